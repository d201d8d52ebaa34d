import { relative, sep } from 'node:path';
import { findingAt } from './finding.js';
import { effectiveLinks } from './links.js';
import { parseLockfile } from './lockfile.js';
import { checkPackage, type SharedContext } from './program.js';
import { lockfileSources } from './rules/lockfile.js';
import { ruleSeverity } from './severity.js';
import type { Finding, PackageRow, PolicyOptions, ProgramInput, ProgramReport } from './types.js';

export { applyPolicyMode } from './severity.js';
export { summaryRows, totals } from './report.js';
export { parsePolicyConfig } from './config.js';
export { checkInstalledTree } from './installed.js';
export { effectiveLinks } from './links.js';
export type * from './types.js';

/**
 * Checks a program before the install: its package.json, its sources, its lockfile and, for a workspace root,
 * each workspace. Pure: the input holds every file's text.
 */
export function checkProgram(program: ProgramInput, options: PolicyOptions): ProgramReport {
  const shared = sharedContext(options);
  const findings: Finding[] = [];
  const packages: PackageRow[] = [];
  const parsedLock = program.lockfile === undefined ? undefined : parseLockfile(program.lockfile);
  const lockfile = parsedLock !== undefined && 'lockfile' in parsedLock ? parsedLock.lockfile : undefined;
  const lockSeverity = shared.severity('lockfile-registry');
  if (parsedLock !== undefined && 'error' in parsedLock && lockSeverity !== undefined)
    findings.push(findingAt('lockfile-registry', lockSeverity, program.lockfile!.path, parsedLock.error.span, parsedLock.error.message));
  if (lockfile !== undefined) findings.push(...lockfileSources(lockfile, shared));
  for (const member of [program, ...(program.workspaces ?? [])]) {
    const folder = relative(program.dir, member.dir).split(sep).join('/');
    const result = checkPackage(member, folder, lockfile, shared);
    findings.push(...result.findings);
    packages.push(...result.rows);
  }
  return { dir: program.dir, findings, packages };
}

function sharedContext(options: PolicyOptions): SharedContext {
  const { config, scope } = options;
  return {
    options,
    config,
    links: effectiveLinks(options),
    inScope: (name) => name.startsWith(`${scope}/`),
    severity: (rule) => ruleSeverity(config, rule),
  };
}
