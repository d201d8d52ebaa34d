import type { ClassifiedEntry, RuleResult } from './rules/context.js';
import { plural } from '../util/text.js';
import type { Finding, PackageRow, ProgramReport, RuleId } from './types.js';

const NOT_LISTED = '(not listed)';
const SHOWN_FILES = 3;

/** One summary row per listed scope or linked package, plus rows for packages findings name but nobody lists. */
export function packageRows(entries: ClassifiedEntry[], results: RuleResult[], usedBy: Map<string, string[]>): PackageRow[] {
  const rows: PackageRow[] = [];
  const rowByEntry = new Map<object, PackageRow>();
  for (const { entry, role } of entries) {
    if (role === 'other') continue;
    const row: PackageRow = { name: entry.name, section: entry.section, range: entry.spec, usedBy: usedBy.get(entry.name) ?? [], findings: [] };
    rows.push(row);
    rowByEntry.set(entry, row);
  }
  for (const { finding, entry } of results) {
    const name = finding.package;
    if (name === undefined) continue;
    let row = entry === undefined ? rows.find((candidate) => candidate.name === name) : rowByEntry.get(entry);
    if (row === undefined) {
      row = { name, section: NOT_LISTED, range: '', usedBy: usedBy.get(name) ?? [], findings: [] };
      rows.push(row);
    }
    if (!row.findings.includes(finding.rule)) row.findings.push(finding.rule);
  }
  return rows;
}

/** The job summary table of one program: a header row, then one row per package (a Workspace column when it has workspaces). */
export function summaryRows(report: ProgramReport): string[][] {
  const withWorkspaces = report.packages.some((row) => row.workspace !== undefined);
  const header = ['Package', 'Listed in', 'Range', 'Used by', 'Findings'];
  const rows = report.packages.map((row) => {
    const files = row.usedBy.length > SHOWN_FILES ? [...row.usedBy.slice(0, SHOWN_FILES), `and ${row.usedBy.length - SHOWN_FILES} more`] : row.usedBy;
    const cells = [row.name, row.section, row.range, files.join(', ') || '—', row.findings.join(', ') || 'ok'];
    return withWorkspaces ? [row.workspace ?? '.', ...cells] : cells;
  });
  return [withWorkspaces ? ['Workspace', ...header] : header, ...rows];
}

/** The counts under the tables and behind the `violations` output (errors only count as violations). */
export function totals(findings: Finding[]): { errors: number; warnings: number; byRule: Partial<Record<RuleId, number>> } {
  const byRule: Partial<Record<RuleId, number>> = {};
  for (const finding of findings) byRule[finding.rule] = (byRule[finding.rule] ?? 0) + 1;
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  const warnings = findings.filter((finding) => finding.severity === 'warning').length;
  return { errors, warnings, byRule };
}

/** "2 errors, 1 warning". */
export function countLine(findings: Finding[]): string {
  const { errors, warnings } = totals(findings);
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}
