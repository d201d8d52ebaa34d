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

function inSdksFolder(path: string, packageFolders: string[]): boolean {
  const normal = posix.normalize(path.replace(/\\/g, '/')).replace(/\/$/, '');
  if (posix.isAbsolute(normal) || normal === '..' || normal.startsWith('../')) return false;
  const parent = posix.dirname(normal);
  return packageFolders.some((folder) => parent === (folder === '' ? 'sdks' : `${folder}/sdks`));
}
