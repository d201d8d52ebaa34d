import { createHash } from 'node:crypto';
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';

export interface TreeEntry {
  type: 'file' | 'dir' | 'symlink';
  /** Permission bits (mode & 0o7777). */
  mode: number;
  /** sha256 of a file's bytes. */
  sha256?: string;
  /** A symlink's target, as stored. */
  target?: string;
}

/** Every entry under `root` (not following symlinks), keyed by its posix path relative to `root`. */
export async function snapshotTree(root: string): Promise<Record<string, TreeEntry>> {
  const entries: Record<string, TreeEntry> = {};
  const visit = async (relative: string): Promise<void> => {
    const path = join(root, relative);
    const stats = await lstat(path);
    const mode = stats.mode & 0o7777;
    if (stats.isSymbolicLink()) {
      entries[relative] = { type: 'symlink', mode, target: await readlink(path) };
    } else if (stats.isDirectory()) {
      if (relative) entries[relative] = { type: 'dir', mode };
      for (const name of (await readdir(path)).sort()) await visit(relative ? `${relative}/${name}` : name);
    } else {
      entries[relative] = {
        type: 'file',
        mode,
        sha256: createHash('sha256')
          .update(await readFile(path))
          .digest('hex'),
      };
    }
  };
  await visit('');
  return entries;
}
