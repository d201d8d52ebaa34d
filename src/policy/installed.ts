import type { Finding, InstalledTreeInput, PolicyOptions } from './types.js';
import { ruleSeverity } from './severity.js';
import { join } from 'node:path';

/** installed-tree: after install and link, each linked package is a link to the right package. Pure. */
export function checkInstalledTree(input: InstalledTreeInput, options: PolicyOptions): Finding[] {
  const severity = ruleSeverity(options.config, 'installed-tree');
  if (severity === undefined) return [];
  const findings: Finding[] = [];
  for (const link of input.links) {
    const file = join(input.dir, 'node_modules', link.name);
    const fix = `run npm link ${link.name} after npm install`;
    let message: string | undefined;
    if (!link.exists) message = `node_modules/${link.name} is missing; ${fix}.`;
    else if (!link.isSymlink) message = `node_modules/${link.name} was installed from the registry, not linked; ${fix}.`;
    else if (link.targetName !== link.name)
      message = `node_modules/${link.name} links to a package named ${JSON.stringify(link.targetName ?? '(unreadable)')}; link the ${link.name} package itself with npm link ${link.name}.`;
    if (message !== undefined) findings.push({ rule: 'installed-tree', severity, file, line: 1, column: 1, message, package: link.name });
  }
  return findings;
}
