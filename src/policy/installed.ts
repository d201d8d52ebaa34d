import { join } from 'node:path';
import { findingAt } from './finding.js';
import { parseLockfile, type Lockfile } from './lockfile.js';
import { parseManifest, type Manifest } from './manifest.js';
import type { Span } from './positions.js';
import { ruleSeverity } from './severity.js';
import type { Finding, InstalledTreeInput, PolicyOptions, Severity } from './types.js';

const START: Span = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

/**
 * installed-tree, after install and link: each linked package is a link to that package, and each scope package
 * in node_modules is the version package-lock.json records. Pure.
 */
export function checkInstalledTree(input: InstalledTreeInput, options: PolicyOptions): Finding[] {
  const severity = ruleSeverity(options.config, 'installed-tree');
  if (severity === undefined) return [];
  const manifest = input.packageJson === undefined ? undefined : parseManifest(input.packageJson).manifest;
  const parsedLock = input.lockfile === undefined ? undefined : parseLockfile(input.lockfile);
  const lockfile = parsedLock !== undefined && 'lockfile' in parsedLock ? parsedLock.lockfile : undefined;
  return [...linkFindings(input, manifest, severity), ...versionFindings(input, options, lockfile, severity)];
}

function linkFindings(input: InstalledTreeInput, manifest: Manifest | undefined, severity: Severity): Finding[] {
  const findings: Finding[] = [];
  for (const link of input.links) {
    const fix = `run npm link ${link.name} after every npm install`;
    let message: string | undefined;
    if (!link.exists) message = `node_modules/${link.name} is missing after the install; ${fix}.`;
    else if (!link.isSymlink) message = `node_modules/${link.name} was installed from the registry, not linked; ${fix}.`;
    else if (link.targetName !== link.name)
      message = `node_modules/${link.name} links to ${link.targetName === undefined ? 'a folder without a readable package.json' : `the package "${link.targetName}"`}; link the ${link.name} package itself with npm link ${link.name}.`;
    if (message === undefined) continue;
    // Point at the package.json entry that asks for the link; else at the top of package.json.
    const entry = manifest?.entries.find((candidate) => candidate.name === link.name && candidate.section === 'peerDependencies');
    const file = manifest?.file ?? join(input.dir, 'package.json');
    findings.push(findingAt('installed-tree', severity, file, entry?.span ?? manifest?.rootSpan ?? START, message, link.name));
  }
  return findings;
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
