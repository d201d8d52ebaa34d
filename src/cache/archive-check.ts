import { spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { ArchiveEntryCheck, type RefusedEntry, type SavedTrees } from './archive-entries.js';

/** The compression methods of @actions/cache (its CompressionMethod values). */
export type ArchiveCompression = 'gzip' | 'zstd' | 'zstd-without-long';

/**
 * The pax keywords a cache archive's tar writes: GNU tar's (`--posix`), and on macOS without GNU tar, bsdtar's
 * extended attributes and file identity. Another keyword (GNU.sparse.name, say) could make tar write a name other
 * than the one checked here, so it refuses the archive.
 */
const PAX_KEYWORDS = new Set(['path', 'linkpath', 'size', 'mtime', 'atime', 'ctime', 'uid', 'gid', 'uname', 'gname']);
const PAX_ATTRIBUTES = new Set(['SCHILY.dev', 'SCHILY.ino', 'SCHILY.nlink', 'SCHILY.fflags', 'LIBARCHIVE.creationtime', 'LIBARCHIVE.symlinktype']);
const PAX_ATTRIBUTE_PREFIXES = ['SCHILY.xattr.', 'LIBARCHIVE.xattr.', 'SCHILY.acl.'];

function isKnownPaxKeyword(key: string): boolean {
  return PAX_KEYWORDS.has(key) || PAX_ATTRIBUTES.has(key) || PAX_ATTRIBUTE_PREFIXES.some((prefix) => key.startsWith(prefix));
}

/**
 * Reads every header of the archive (decompressing it as the SDK's tar would) and returns the first entry a restore
 * must not write, or undefined when tar may extract all of it into `workspace`.
 */
export async function refusedArchiveEntry(
  archivePath: string,
  compression: ArchiveCompression,
  saved: SavedTrees,
  workspace: string,
): Promise<RefusedEntry | undefined> {
  const source = decompressed(archivePath, compression);
  const reader = extract();
  source.tar.on('error', (error) => reader.destroy(error));
  source.tar.pipe(reader);
  const check = new ArchiveEntryCheck(saved, workspace);
  try {
    for await (const entry of reader) {
      const { name, type, linkname } = entry.header;
      const pax: unknown = Reflect.get(entry.header, 'pax'); // tar-stream's types leave out the local pax records
      const keyword = Object.keys(pax ?? {}).find((key) => !isKnownPaxKeyword(key));
      const refused = keyword ? { name, reason: `a pax header with the keyword ${keyword}` } : check.add({ name, type, linkname });
      if (refused) return refused;
      entry.resume();
    }
    // The tar reader may end cleanly at an entry's boundary of an archive cut short.
    const failure = await source.ended();
    if (failure) throw new Error(failure);
    // A global pax header applies to every entry after it: GNU tar honours its path, tar-stream does not.
    if (Reflect.get(reader, '_paxGlobal')) return { name: '(global pax header)', reason: 'a header that renames the entries after it' };
    return check.finish() ?? (await linkOnDisk(check, saved, workspace));
  } catch (error) {
    // The decompressor says why better than the tar reader's "Unexpected end of data".
    const failure = (await source.stop()) ?? (error instanceof Error ? error.message : String(error));
    throw new Error(`the archive is not a readable tar archive (${failure})`, { cause: error });
  } finally {
    await source.stop();
    reader.destroy();
  }
}

/**
 * The first entry tar would write through a symbolic link already on disk: a checkout may hold a node_modules with
 * one (tar follows a link to a folder). Looked for only where a saved tree exists before the restore.
 */
async function linkOnDisk(check: ArchiveEntryCheck, saved: SavedTrees, workspace: string): Promise<RefusedEntry | undefined> {
  if (!saved.roots.some((root) => existsSync(join(workspace, root)))) return undefined;
  for (const [parent, name] of check.parentFolders()) {
    const stat = await lstat(join(workspace, parent)).catch(() => undefined);
    if (stat?.isSymbolicLink()) return { name, reason: `written through the symbolic link ${parent}, which is on disk before the restore` };
  }
  return undefined;
}

interface Decompressed {
  tar: Readable;
  /** Waits for the decompressor to end on its own; its complaint, if it made one. */
  ended: () => Promise<string | undefined>;
  /** Stops it, then as `ended`. */
  stop: () => Promise<string | undefined>;
}

function decompressed(archivePath: string, compression: ArchiveCompression): Decompressed {
  if (compression === 'gzip') {
    const file = createReadStream(archivePath);
    const gunzip = createGunzip();
    let failure: string | undefined;
    gunzip.on('error', (error) => (failure = `gzip: ${error.message}`));
    const ended = async () => failure;
    return { tar: file.pipe(gunzip), ended, stop: async () => (file.destroy(), failure) };
  }
  const args = ['-d', '-c', ...(compression === 'zstd' ? ['--long=30'] : []), archivePath];
  const zstd = spawn('zstd', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  zstd.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<string | undefined>((resolve) => {
    zstd.on('error', (error) => resolve(`zstd: ${error.message}`));
    zstd.on('close', (code) => resolve(code === 0 || code === null ? undefined : `zstd: ${stderr.trim().split('\n')[0] || `exit code ${code}`}`));
  });
  zstd.on('error', (error) => zstd.stdout.destroy(error));
  const stop = () => {
    zstd.kill();
    return exit;
  };
  return { tar: zstd.stdout, ended: () => exit, stop };
}
