import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { readBytesIfExists } from './util/files.js';

/** The files of a program that npm writes and the user commits. */
const NPM_WRITES = ['package.json', 'package-lock.json', 'npm-shrinkwrap.json'];

export interface UserFilesSnapshot {
  /** Puts every file back byte for byte (removing the ones the run created); returns those it changed back. */
  restore(): Promise<string[]>;
}

/**
 * Taken before the first install, so that a run which fails later (in another program's install, a script, a link
 * check) leaves no half-updated lockfile behind: a failed run leaves the user's files as it found them.
 */
export async function snapshotUserFiles(programDirs: string[]): Promise<UserFilesSnapshot> {
  const files = programDirs.flatMap((dir) => NPM_WRITES.map((name) => path.join(dir, name)));
  const before = new Map(await Promise.all(files.map(async (file) => [file, await readBytesIfExists(file)] as const)));
  return {
    async restore() {
      const restored: string[] = [];
      for (const [file, content] of before) {
        const now = await readBytesIfExists(file);
        if (now === undefined ? content === undefined : content !== undefined && now.equals(content)) continue;
        if (content === undefined) await fs.rm(file, { force: true });
        else await fs.writeFile(file, content);
        restored.push(file);
      }
      return restored;
    },
  };
}
