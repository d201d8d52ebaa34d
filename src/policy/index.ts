import { dirname } from 'node:path';
import { relativePosix } from '../util/text.js';
import { readableLockfile } from './lockfile.js';
import { checkPackage } from './program.js';
import { notProgramNotice, notProgramReason } from './program-role.js';
import { sharedContext } from './rules/context.js';
import { STATIC_RULES } from './rules/index.js';
import { activeRules } from './severity.js';
import type { Finding, PackageRow, PolicyOptions, ProgramInput, ProgramReport } from './types.js';

export { applyPolicyMode } from './severity.js';
export { countLine, summaryRows, totals } from './tally.js';
export { parsePolicyConfig } from './config.js';
export { checkInstalledTree } from './installed.js';
export { effectiveLinks } from './links.js';
export type * from './types.js';

/**
 * Checks a program before the install with the static rules: its lockfile once, then its package.json, its sources
 * and its lockfile entries and, for a workspace root, each workspace's. Pure: the input holds every file's text.
 */
export async function checkProgram(program: ProgramInput, options: PolicyOptions): Promise<ProgramReport> {
  const shared = sharedContext(options);
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
