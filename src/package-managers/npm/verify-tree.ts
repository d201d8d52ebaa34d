import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { TreeCheck } from '../types.js';
import { INSTALLED_LOCKFILE, LOCKFILE } from './files.js';
import { describeMismatch, recordedFolders } from './lockfile-compare.js';

/**
 * Whether `programDir/node_modules` is the tree its package-lock.json describes, judged from npm's own record of the
 * installed tree (node_modules/.package-lock.json) and the folders that record names. Packages in `links` are left
 * out (they are re-linked on every run). Never throws: anything unreadable makes the tree not current, and the
 * install that follows reports the real problem.
 */
export async function isInstalledTreeCurrent(programDir: string, links: string[] = []): Promise<TreeCheck> {
  let files: unknown[];
  try {
    files = await Promise.all(['package.json', LOCKFILE, INSTALLED_LOCKFILE].map((file) => readJson(programDir, file)));
  } catch (error) {
    if (error instanceof UnreadableFile) return { current: false, reason: error.message };
    throw error;
  }
  const [packageJson, lockfile, installedLockfile] = files;
  const reason = describeMismatch(packageJson, lockfile, installedLockfile, links);
  if (reason) return { current: false, reason };
  const missing = await firstMissing(programDir, recordedFolders(installedLockfile, links));
  return missing === undefined ? { current: true } : { current: false, reason: `${missing} is recorded as installed but is missing` };
}

class UnreadableFile extends Error {}

async function readJson(dir: string, file: string): Promise<unknown> {
  const text = await readFile(join(dir, file), 'utf8').catch(() => {
    throw new UnreadableFile(`${file} is missing`);
  });
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UnreadableFile(`${file} is not valid JSON`);
  }
}

/**
 * The first of `folders` (relative to `dir`, in order) that is not there. Each parent folder is listed once, all at
 * once: a tree of a few hundred packages has a few dozen parents, and one lstat per package costs ten times more.
 */
export async function firstMissing(dir: string, folders: string[]): Promise<string | undefined> {
  const listings = new Map<string, Promise<Set<string>>>();
  const namesIn = (parent: string): Promise<Set<string>> => {
    let names = listings.get(parent);
    if (!names) {
      names = readdir(join(dir, parent)).then(
        (entries) => new Set(entries),
        () => new Set<string>(),
      );
      listings.set(parent, names);
    }
    return names;
  };
  const present = await Promise.all(folders.map(async (folder) => (await namesIn(posix.dirname(folder))).has(posix.basename(folder))));
  return folders[present.indexOf(false)];
}
