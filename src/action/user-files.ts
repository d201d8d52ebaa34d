import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { readBytesIfExists } from '../util/files.js';

/** In the snapshot folder: which user file each copy is of (null: the file did not exist). */
const INDEX = 'index.json';

type SnapshotIndex = { file: string; copy: string | null }[];

/**
 * The files any package manager's install may write in a program. Loaded when needed: the post step, which puts
 * files back only after a failed run, then need not load the package managers.
 */
async function writtenFiles(): Promise<readonly string[]> {
  return (await import('../package-managers/index.js')).WRITTEN_FILES;
}

export interface UserFilesSnapshot {
  /** The folder holding the copies, under RUNNER_TEMP: post reads it when main did not finish. */
  folder: string;
  /** Puts every file back byte for byte (removing the ones the run created); returns those it changed back. */
  restore(): Promise<string[]>;
}

/**
 * Taken before the first install, so that a run which fails later (in another program's install, a script, a link
 * check) leaves no half-updated lockfile behind: a failed run leaves the user's files as it found them. The copies
 * are on disk, in a new folder under `parent`, so that post can put them back after main was killed mid-install.
 */
export async function snapshotUserFiles(programDirs: string[], workspace: string, parent: string): Promise<UserFilesSnapshot> {
  const folder = await fs.mkdtemp(path.join(parent, 'setup-pulumi-npm-snapshot-'));
  const names = await writtenFiles();
  const files = programDirs.flatMap((dir) => names.map((name) => path.join(dir, name)));
  const index: SnapshotIndex = [];
  for (const [number, file] of files.entries()) {
    const content = await readBytesIfExists(file);
    if (content !== undefined) await fs.writeFile(path.join(folder, String(number)), content);
    index.push({ file, copy: content === undefined ? null : String(number) });
  }
  // Written last: a snapshot without its index is one that was never complete, and post leaves the files alone.
  await fs.writeFile(path.join(folder, INDEX), JSON.stringify(index));
  return { folder, restore: () => restoreUserFiles(folder, workspace) };
}

/**
 * Puts back the files a snapshot in `folder` recorded. Only the package managers' own files (package.json and the
 * lockfiles) in a folder inside `workspace` are ever written: the index is on disk, where the install's scripts could
 * have edited it.
 */
export async function restoreUserFiles(folder: string, workspace: string): Promise<string[]> {
  const text = await fs.readFile(path.join(folder, INDEX), 'utf8').catch(() => undefined);
  if (text === undefined) return [];
  const realWorkspace = await fs.realpath(workspace);
  const names = await writtenFiles();
  const restored: string[] = [];
  for (const { file, copy } of JSON.parse(text) as SnapshotIndex) {
    if (!(await isManagerFileIn(realWorkspace, names, file)) || (copy !== null && !/^\d+$/.test(copy))) continue;
    const content = copy === null ? undefined : await fs.readFile(path.join(folder, copy));
    const now = await readBytesIfExists(file);
    if (now === undefined ? content === undefined : content !== undefined && now.equals(content)) continue;
    if (content === undefined) await fs.rm(file, { force: true });
    else await fs.writeFile(file, content);
    restored.push(file);
  }
  return restored;
}

async function isManagerFileIn(realWorkspace: string, names: readonly string[], file: string): Promise<boolean> {
  if (typeof file !== 'string' || !names.includes(path.basename(file))) return false;
  const folder = await fs.realpath(path.dirname(file)).catch(() => undefined);
  const relative = folder === undefined ? '..' : path.relative(realWorkspace, folder);
  return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}
