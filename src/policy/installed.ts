import { findingAt } from './finding.js';
import { parseLockfile, type Lockfile } from './lockfile.js';
import { ruleSeverity } from './severity.js';
import type { Finding, InstalledTreeInput, PolicyOptions, Severity } from './types.js';

/**
 * installed-tree, after install and link: each scope package in node_modules is the version package-lock.json
 * records. Links are not checked here: src/link.ts `verifyLinks` verifies them right after `npm link`, whatever
 * the policy mode. Pure.
 */
export function checkInstalledTree(input: InstalledTreeInput, options: PolicyOptions): Finding[] {
  const severity = ruleSeverity(options.config, 'installed-tree');
  if (severity === undefined) return [];
  const parsedLock = input.lockfile === undefined ? undefined : parseLockfile(input.lockfile);
  const lockfile = parsedLock !== undefined && 'lockfile' in parsedLock ? parsedLock.lockfile : undefined;
  return versionFindings(input, options, lockfile, severity);
}

function versionFindings(input: InstalledTreeInput, options: PolicyOptions, lockfile: Lockfile | undefined, severity: Severity): Finding[] {
  if (lockfile === undefined) return [];
  const findings: Finding[] = [];
  for (const installed of input.scopePackages) {
    if (options.config.ignorePackages.includes(installed.name)) continue;
    const recorded = lockfile.packages.get(`node_modules/${installed.name}`);
    const fix = 'run npm ci so node_modules matches the lockfile';
    if (recorded === undefined) {
      const message = `node_modules/${installed.name} is installed but package-lock.json does not record it; ${fix}.`;
      findings.push(findingAt('installed-tree', severity, lockfile.file, lockfile.locate([], 'key'), message, installed.name));
    } else if (!recorded.link && recorded.version !== undefined && installed.version !== recorded.version) {
      const message = `node_modules/${installed.name} is ${installed.version ?? 'unreadable'} but package-lock.json records ${recorded.version}; ${fix}.`;
      findings.push(findingAt('installed-tree', severity, lockfile.file, lockfile.locate([...recorded.where, 'version'], 'value'), message, installed.name));
    }
  }
  return findings;
}
