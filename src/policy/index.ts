import { dirname } from 'node:path';
import { relativePosix } from '../util/text.js';
import { readableLockfile } from './lockfile.js';
import { parseManifest } from './manifest.js';
import { checkPackage } from './program.js';
import { notProgramNotice, notProgramReason } from './program-role.js';
import { sharedContext, type ProgramFiles } from './rules/context.js';
import { PROGRAMS_RULES, RULES, STATIC_RULES } from './rules/index.js';
import { activeRules } from './severity.js';
import type { Finding, PackageRow, PolicyOptions, ProgramInput, ProgramReport } from './types.js';

export { applyPolicyMode } from './severity.js';
export { countLine, summaryRows, totals } from './tally.js';
export { parsePolicyConfig } from './config.js';
export { checkInstalledTree } from './installed.js';
export { effectiveLinks } from './links.js';
export type * from './types.js';
export type { ProgramFiles } from './rules/context.js';

/**
 * Checks a program before the install with the static rules: its lockfile once, then its package.json, its sources
 * and its lockfile entries and, for a workspace root, each workspace's. Pure: the input holds every file's text.
 */
export async function checkProgram(program: ProgramInput, options: PolicyOptions): Promise<ProgramReport> {
  // A member's entries are compared with its workspace root's (consistent-versions).
  const root = program.workspaces?.length ? parseManifest(program.packageJson).manifest : undefined;
  const shared = { ...sharedContext(options), ...(root && { workspaceRoot: root }) };
  const rules = activeRules(STATIC_RULES, options.config);
  const read = program.lockfile;
  const findings: Finding[] = [];
  const packages: PackageRow[] = [];
  if (read !== undefined) for (const { rule, finding } of rules) findings.push(...(rule.checkLockfile?.(read, shared, finding) ?? []));
  const lockfile = readableLockfile(read);
  // Folders as the lockfile names them: a workspace member checked alone reads its root's lockfile.
  const lockfileFolder = lockfile === undefined ? undefined : dirname(lockfile.file);
  const above = lockfileFolder !== undefined && !relativePosix(lockfileFolder, program.dir).startsWith('..');
  const base = above ? lockfileFolder : program.dir;
  for (const member of [program, ...(program.workspaces ?? [])]) {
    const notProgram = notProgramReason(member, program, options.config);
    // The folder named is said not to be a program; a workspace's libraries and the root of its programs are not.
    if (notProgram !== undefined && member === program && !program.workspaces?.length) findings.push(notProgramNotice(member, program, notProgram));
    const memberRules = notProgram === undefined ? rules : rules.filter(({ rule }) => rule.everyPackage);
    const result = await checkPackage(
      member,
      { folder: relativePosix(base, member.dir), workspace: relativePosix(program.dir, member.dir) },
      lockfile,
      shared,
      memberRules,
    );
    findings.push(...result.findings);
    packages.push(...result.rows);
  }
  return { dir: program.dir, findings, packages };
}

/** One program of a run, for the rules across programs: its package.json files, its options and its report so far. */
export interface RunInput {
  files: ProgramFiles;
  options: PolicyOptions;
  report: ProgramReport;
}

/** What the rules across programs read of a program: its package.json files, not its sources (let go once it is checked). */
export function programFiles({ dir, packageJson, stackConfigs, workspaces }: ProgramFiles): ProgramFiles {
  return { dir, packageJson, ...(stackConfigs && { stackConfigs }), ...(workspaces && { workspaces: workspaces.map(programFiles) }) };
}

/**
 * Checks the programs of a run together with the rules that compare them, each program with its own options, and
 * returns each report with their findings added (folders in messages are relative to `workspace`). As within a
 * program, a rule higher in the list that reports the same entry at the same severity keeps it. Pure.
 */
export function checkAcrossPrograms(programs: readonly RunInput[], workspace: string): ProgramReport[] {
  const reports = programs.map(({ report }) => ({
    ...report,
    findings: [...report.findings],
    packages: report.packages.map((row) => ({ ...row, findings: [...row.findings] })),
  }));
  for (const rule of PROGRAMS_RULES) {
    const run = programs.map(({ files, options }) => {
      const active = activeRules([rule], options.config)[0];
      return { files, options, ...(active && { finding: active.finding }) };
    });
    rule.check(run, workspace).forEach((findings, index) => addFindings(reports[index]!, findings));
  }
  return reports;
}

const RULE_ORDER = new Map<string, number>(RULES.map((rule, index) => [rule.id, index]));

/** Adds findings to a report, and their rule to the package rows of their entries, but not a finding a higher rule already made there. */
function addFindings(report: ProgramReport, findings: Finding[]): void {
  for (const finding of findings) {
    const order = RULE_ORDER.get(finding.rule)!;
    const higher = report.findings.some(
      (other) =>
        other.file === finding.file && other.line === finding.line && other.severity === finding.severity && (RULE_ORDER.get(other.rule) ?? -1) < order,
    );
    if (higher) continue;
    report.findings.push(finding);
    const folder = relativePosix(report.dir, dirname(finding.file));
    for (const row of report.packages) {
      if (row.name === finding.package && (row.workspace ?? '') === folder && !row.findings.includes(finding.rule)) row.findings.push(finding.rule);
    }
  }
}
