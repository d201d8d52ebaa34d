import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeMismatch, recordedFolders } from './lockfile-compare.js';

/**
 * Whether `programDir/node_modules` is the tree its package-lock.json describes, judged from npm's own record of the
 * installed tree (node_modules/.package-lock.json) and the folders that record names. Packages in `links` are left
 * out (they are re-linked on every run). Never throws: anything unreadable makes the tree not current, and the
 * install that follows reports the real problem.
 */
export async function isInstalledTreeCurrent(programDir: string, links: string[] = []): Promise<{ current: boolean; reason?: string }> {
  let files: unknown[];
  try {
    files = await Promise.all(['package.json', 'package-lock.json', 'node_modules/.package-lock.json'].map((file) => readJson(programDir, file)));
  } catch (error) {
    if (error instanceof UnreadableFile) return { current: false, reason: error.message };
    throw error;
  }
  const [packageJson, lockfile, installedLockfile] = files;
  const reason = describeMismatch(packageJson, lockfile, installedLockfile, links);
  if (reason) return { current: false, reason };
  for (const folder of recordedFolders(installedLockfile, links)) {
    if (!(await exists(join(programDir, folder)))) return { current: false, reason: `${folder} is recorded as installed but is missing` };
  }
  return { current: true };
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

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}
