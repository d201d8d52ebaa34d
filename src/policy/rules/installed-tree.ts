import { basename } from 'node:path';
import { fieldWhere, installedFor, type LockPackage, type LockTree } from '../lockfile.js';
import type { Finding } from '../types.js';
import type { FindingMaker, InstalledContext } from './context.js';
import { ERROR_IN_EVERY_PRESET, installedRule } from './rule.js';

/**
 * After install and link, each scope package in node_modules is the version the lockfile records. Links are not
 * checked here: the link step verifies them right after linking, whatever the policy mode.
 */
export const installedTree = installedRule('installed-tree', ERROR_IN_EVERY_PRESET, {
  short: 'node_modules holds the versions the lockfile records.',
  help: 'After the install and links, each scope package in node_modules is the version the lockfile records. Run a frozen install (npm ci).',
  check,
});

function check(context: InstalledContext, finding: FindingMaker): Finding[] {
  const { lockfile } = context;
  if (lockfile === undefined) return [];
  const lockfileName = basename(lockfile.file);
  const findings: Finding[] = [];
  for (const installed of context.scopePackages) {
    if (context.ignored(installed.name)) continue;
    const recorded = recordedAtRoot(lockfile, installed.name, installed.version);
    const remedy = `run ${lockfile.writer.frozenInstall} so node_modules matches the lockfile`;
    if (recorded === undefined) {
      const message = `node_modules/${installed.name} is installed but ${lockfileName} does not record it; ${remedy}.`;
      findings.push(finding(lockfile.file, lockfile.locate([], 'key'), message, installed.name));
    } else if (!recorded.link && recorded.version !== undefined && installed.version !== recorded.version) {
      const message = `node_modules/${installed.name} is ${installed.version ?? 'unreadable'} but ${lockfileName} records ${recorded.version}; ${remedy}.`;
      findings.push(finding(lockfile.file, lockfile.locate(fieldWhere(recorded, 'version'), 'value'), message, installed.name));
    }
  }
  return findings;
}

/**
 * The entry for the program's node_modules/<name>; in a format keyed by spec (yarn 1), which does not say which
 * version is hoisted, the entry of that name and version, else any of that name.
 */
function recordedAtRoot(lockfile: LockTree, name: string, version: string | undefined): LockPackage | undefined {
  const found = installedFor(lockfile, '', name);
  if (found !== undefined || lockfile.bySpec === undefined) return found;
  const named = [...lockfile.packages.values()].filter((entry) => entry.name === name);
  return named.find((entry) => entry.version === version) ?? named[0];
}
