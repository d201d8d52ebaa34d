import { relativePosix } from '../util/text.js';
import { readableLockfile } from './lockfile.js';
import { parseManifest } from './manifest.js';
import { checkPackage } from './program.js';
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
  // A member's entries are compared with its workspace root's (consistent-versions).
  const root = program.workspaces?.length ? parseManifest(program.packageJson).manifest : undefined;
  const shared = { ...sharedContext(options), ...(root && { workspaceRoot: root }) };
  const rules = activeRules(STATIC_RULES, options.config);
  const read = program.lockfile;
  const findings: Finding[] = [];
  const packages: PackageRow[] = [];
  if (read !== undefined) for (const { rule, finding } of rules) findings.push(...(rule.checkLockfile?.(read, shared, finding) ?? []));
  const lockfile = readableLockfile(read);
  for (const member of [program, ...(program.workspaces ?? [])]) {
    const result = await checkPackage(member, relativePosix(program.dir, member.dir), lockfile, shared, rules);
    findings.push(...result.findings);
    packages.push(...result.rows);
  }
  return { dir: program.dir, findings, packages };
}
