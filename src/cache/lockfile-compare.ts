/** The fields of a package-lock.json `packages` entry that pin what is installed. */
interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  optional?: boolean;
}

type Packages = Record<string, LockEntry>;

const PINNING_FIELDS = ['version', 'resolved', 'integrity', 'link'] as const;
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;

/**
 * Why the tree npm recorded in node_modules/.package-lock.json is not the one package-lock.json describes, or
 * undefined when it is. Linked packages are left out on both sides: they are re-linked on every run. Optional
 * packages may be missing (npm skips those for other platforms).
 */
export function describeMismatch(packageJson: unknown, lockfile: unknown, installedLockfile: unknown, links: string[]): string | undefined {
  const wanted = packagesOf(lockfile);
  const installed = packagesOf(installedLockfile);
  if (!wanted) return 'package-lock.json has no "packages" map (lockfileVersion 1); the install rewrites it';
  if (!installed) return 'node_modules/.package-lock.json has no "packages" map';
  const root = asRecord(wanted['']);
  for (const field of DEPENDENCY_FIELDS) {
    if (canonical(asRecord(packageJson)[field]) !== canonical(root[field])) {
      return `package.json and package-lock.json list different ${field}`;
    }
  }
  const ignored = ignoredKeys(installed, links);
  for (const [key, entry] of Object.entries(wanted)) {
    if (key === '' || ignored(key)) continue;
    const present = installed[key];
    if (!present) {
      if (entry.optional) continue;
      return `${key} is in package-lock.json but not installed`;
    }
    const differing = PINNING_FIELDS.find((field) => entry[field] !== present[field]);
    if (differing) return `${key} has ${differing} ${String(present[differing])}, package-lock.json wants ${String(entry[differing])}`;
  }
  const extraneous = Object.keys(installed).find((key) => !ignored(key) && !(key in wanted));
  return extraneous ? `${extraneous} is installed but not in package-lock.json` : undefined;
}

/** The node_modules folders the installed lockfile records (links left out), for checking that they exist. */
export function recordedFolders(installedLockfile: unknown, links: string[]): string[] {
  const installed = packagesOf(installedLockfile) ?? {};
  const ignored = ignoredKeys(installed, links);
  return Object.keys(installed).filter((key) => key.startsWith('node_modules/') && !ignored(key));
}

/** Keys belonging to a linked package: its folder, anything below it, and the link target npm records. */
function ignoredKeys(installed: Packages, links: string[]): (key: string) => boolean {
  const roots = links.flatMap((link) => {
    const folder = `node_modules/${link}`;
    const target = installed[folder]?.link ? installed[folder]?.resolved : undefined;
    return target ? [folder, target] : [folder];
  });
  return (key) => roots.some((root) => key === root || key.startsWith(`${root}/`));
}

function packagesOf(lockfile: unknown): Packages | undefined {
  const packages = asRecord(lockfile).packages;
  return typeof packages === 'object' && packages !== null ? (packages as Packages) : undefined;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** Order-free JSON of a dependency map; a missing map and an empty one are the same. */
function canonical(map: unknown): string {
  return JSON.stringify(Object.entries(asRecord(map)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
