import type { Finding } from '../types.js';
import type { FindingMaker, InstalledContext } from './context.js';

/**
 * installed-tree, after install and link: each scope package in node_modules is the version package-lock.json
 * records. Links are not checked here: src/link.ts `verifyLinks` verifies them right after `npm link`, whatever
 * the policy mode.
 */
export function installedTree(context: InstalledContext, finding: FindingMaker): Finding[] {
  const { lockfile } = context;
  if (lockfile === undefined) return [];
  const findings: Finding[] = [];
  for (const installed of context.scopePackages) {
    if (context.ignored(installed.name)) continue;
    const recorded = lockfile.packages.get(`node_modules/${installed.name}`);
    const fix = 'run npm ci so node_modules matches the lockfile';
    if (recorded === undefined) {
      const message = `node_modules/${installed.name} is installed but package-lock.json does not record it; ${fix}.`;
      findings.push(finding(lockfile.file, lockfile.locate([], 'key'), message, installed.name));
    } else if (!recorded.link && recorded.version !== undefined && installed.version !== recorded.version) {
      const message = `node_modules/${installed.name} is ${installed.version ?? 'unreadable'} but package-lock.json records ${recorded.version}; ${fix}.`;
      findings.push(finding(lockfile.file, lockfile.locate([...recorded.where, 'version'], 'value'), message, installed.name));
    }
  }
  return findings;
}
