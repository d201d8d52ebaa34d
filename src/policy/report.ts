import type { ClassifiedEntry, RuleResult } from './rules/context.js';
import type { PackageRow, ProgramReport, RuleId } from './types.js';

export const NOT_LISTED = '(not listed)';

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
    addOnce(row.findings, finding.rule);
  }
  return rows;
}

/** The job summary table of one program: a header row, then one row per package. */
export function summaryRows(report: ProgramReport): string[][] {
  const header = ['Package', 'Listed in', 'Range', 'Used by', 'Findings'];
  const rows = report.packages.map((row) => [
    row.name,
    row.section,
    row.range,
    row.usedBy.join(', ') || '—',
    row.findings.join(', ') || 'ok',
  ]);
  return [header, ...rows];
}

function addOnce(list: RuleId[], rule: RuleId): void {
  if (!list.includes(rule)) list.push(rule);
}
