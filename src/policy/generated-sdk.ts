import { posix } from 'node:path';
import type { LockEntry } from './lockfile.js';

// `pulumi package add` (Pulumi.yaml's `packages:`: Terraform modules, parameterized providers, components) generates
// each package's SDK in the program's sdks/<name> (sdks/<namespace>-<name> for a namespaced package) and lists it in
// package.json as "<package>": "file:sdks/<name>" (npm pkg set). Such an SDK never comes from a registry.

/** True when `spec` is a `file:` path to a folder directly in the sdks/ folder of the package.json that lists it. */
export function isGeneratedSdkSpec(spec: string): boolean {
  return spec.startsWith('file:') && inSdksFolder(spec.slice('file:'.length), ['']);
}

/**
 * True when a lockfile's link (`resolved`, or version 1's `file:` version) points at a folder directly in the sdks/
 * folder of one of the package folders it records (the program's, a workspace's), relative to the lockfile.
 */
export function isGeneratedSdkLink(entry: LockEntry, packageFolders: Iterable<string>): boolean {
  const target = entry.resolved ?? (entry.version?.startsWith('file:') ? entry.version.slice('file:'.length) : undefined);
  return entry.link && target !== undefined && inSdksFolder(target, [...packageFolders]);
}

/**
 * True when a lockfile's link points at a package folder it records inside the project (a workspace member, such as
 * a crd2pulumi SDK): local by design, which no registry serves. A folder outside the project (`../`) is not.
 */
export function isWorkspaceLink(entry: LockEntry, packageFolders: Iterable<string>): boolean {
  const target = entry.resolved?.replace(/^(?:workspace|link|portal|file):/, '');
  if (!entry.link || target === undefined) return false;
  const normal = posix.normalize(target.replace(/\\/g, '/')).replace(/\/$/, '');
  const inside = normal !== '.' && normal !== '' && normal !== '..' && !normal.startsWith('../') && !posix.isAbsolute(normal);
  return inside && [...packageFolders].includes(normal);
}

function inSdksFolder(path: string, packageFolders: string[]): boolean {
  const normal = posix.normalize(path.replace(/\\/g, '/')).replace(/\/$/, '');
  if (posix.isAbsolute(normal) || normal === '..' || normal.startsWith('../')) return false;
  const parent = posix.dirname(normal);
  return packageFolders.some((folder) => parent === (folder === '' ? 'sdks' : `${folder}/sdks`));
}
