import { readableLockfile } from './lockfile.js';
import { sharedContext, type InstalledContext } from './rules/context.js';
import { INSTALLED_RULES } from './rules/index.js';
import { activeRules } from './severity.js';
import type { Finding, InstalledTreeInput, PolicyOptions } from './types.js';

/** Runs the rules of the installed phase, after install and link, on what was read of node_modules. Pure. */
export function checkInstalledTree(input: InstalledTreeInput, options: PolicyOptions): Finding[] {
  const active = activeRules(INSTALLED_RULES, options.config);
  if (active.length === 0) return [];
  const context: InstalledContext = { ...sharedContext(options), scopePackages: input.scopePackages };
  // An unreadable lockfile was reported before the install: there is nothing to compare with.
  const lockfile = readableLockfile(input.lockfile);
  if (lockfile !== undefined) context.lockfile = lockfile;
  return active.flatMap(({ rule, finding }) => rule.check(context, finding));
}
