import type { LockEntry, LockTree } from '../../policy/lockfile.js';
import { lockTree } from './lockfile.js';
import { INSTALLED_SECTIONS } from '../../policy/sections.js';

/** The fields of a lockfile entry that pin what is installed. */
const PINNING_FIELDS = ['version', 'resolved', 'integrity', 'link'] as const;

/**
 * Why the tree npm recorded in node_modules/.package-lock.json is not the one package-lock.json describes, or
 * undefined when it is. Linked packages are left out on both sides: they are re-linked on every run. Optional
 * packages may be missing (npm skips those for other platforms). The lockfiles are given as parsed JSON.
 */
export function describeMismatch(packageJson: unknown, lockfile: unknown, installedLockfile: unknown, links: string[]): string | undefined {
  const wanted = lockTree(lockfile);
  const installed = lockTree(installedLockfile);
  if (!wanted.roots) return 'package-lock.json has no "packages" map (lockfileVersion 1); the install rewrites it';
  if (!installed.roots) return 'node_modules/.package-lock.json has no "packages" map';
  const root = wanted.roots.get('');
  for (const section of INSTALLED_SECTIONS) {
    if (canonical(Object.entries(asRecord(asRecord(packageJson)[section]))) !== canonical([...(root?.sections.get(section) ?? [])])) {
      return `package.json and package-lock.json list different ${section}`;
    }
  }
  const wantedEntries = entriesOf(wanted);
  const installedEntries = entriesOf(installed);
  const ignored = ignoredKeys(installed, links);
  for (const [key, entry] of wantedEntries) {
    if (key === '' || ignored(key)) continue;
    const present = installedEntries.get(key);
    if (!present) {
      if (entry.optional) continue;
      return `${key} is in package-lock.json but not installed`;
    }
    const differing = PINNING_FIELDS.find((field) => entry[field] !== present[field]);
    if (differing) return `${key} has ${differing} ${String(present[differing])}, package-lock.json wants ${String(entry[differing])}`;
  }
  const extraneous = [...installedEntries.keys()].find((key) => !ignored(key) && !wantedEntries.has(key));
  return extraneous ? `${extraneous} is installed but not in package-lock.json` : undefined;
}

/**
 * The node_modules folders the installed lockfile records (links left out), for checking that they exist: the root's,
 * and those npm nested in a workspace member's own node_modules.
 */
export function recordedFolders(installedLockfile: unknown, links: string[]): string[] {
  const installed = lockTree(installedLockfile);
  const ignored = ignoredKeys(installed, links);
  const inTree = (key: string) => (key.startsWith('node_modules/') || key.includes('/node_modules/')) && !key.split('/').includes('..');
  return [...installed.packages.keys()].filter((key) => inTree(key) && !ignored(key));
}

/** Every entry of the `packages` map by its key: package folders and installed packages. */
function entriesOf(tree: LockTree): Map<string, LockEntry> {
  return new Map<string, LockEntry>([...(tree.roots ?? []), ...tree.packages]);
}

/** Keys belonging to a linked package: its folder, anything below it, and the link target npm records. */
function ignoredKeys(installed: LockTree, links: string[]): (key: string) => boolean {
  const roots = links.flatMap((link) => {
    const folder = `node_modules/${link}`;
    const entry = installed.packages.get(folder);
    const target = entry?.link ? entry.resolved : undefined;
    return target ? [folder, target] : [folder];
  });
  return (key) => roots.some((root) => key === root || key.startsWith(`${root}/`));
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** Order-free JSON of a dependency map's string specs (the lockfile keeps no others); a missing map and an empty one are the same. */
function canonical(entries: [string, unknown][]): string {
  const specs = entries.filter(([, spec]) => typeof spec === 'string');
  return JSON.stringify(specs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
