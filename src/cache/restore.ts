import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { refusedArchiveEntry, type ArchiveCompression } from './archive-check.js';
import { nodeModulesDirs, savedTrees } from './paths.js';
import { restoreWithSdk } from './sdk-call.js';

/** One line for the job log about the cache; a fault is a warning or a notice, never a failure. */
export interface CacheMessage {
  level: 'warning' | 'notice' | 'info';
  text: string;
}

export interface RestoreResult {
  /** True only when the primary key itself matched. */
  hit: boolean;
  matchedKey?: string;
  message?: CacheMessage;
}

/**
 * Restores the node_modules trees of `paths` (from `cachePaths`). Faults never throw: a service that is
 * unreachable, failing or slower than SEGMENT_DOWNLOAD_TIMEOUT_MINS, or an archive that does not extract, is a miss
 * with one warning, and leaves no half-extracted tree behind; so does a download `signal` stops (the run failed
 * meanwhile). An archive holding an entry the save could not have taken (outside the trees, absolute, with a `..`,
 * a link out of the workspace, written through a link, or of another type) is a miss with a warning naming it, and
 * nothing of it is written. The caller checks first that the service is there.
 */
export async function restoreNodeModules(paths: string[], keys: { primaryKey: string; restoreKeys: string[] }, signal?: AbortSignal): Promise<RestoreResult> {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const freshDirs = nodeModulesDirs(paths)
    .map((dir) => resolve(workspace, dir))
    .filter((dir) => !existsSync(dir));
  const saved = savedTrees(paths);
  const check = (archivePath: string, compression: ArchiveCompression) => refusedArchiveEntry(archivePath, compression, saved, workspace);
  const restored = await restoreWithSdk(paths, keys.primaryKey, keys.restoreKeys, check, signal);

  if (restored.kind === 'fault' || restored.kind === 'cancelled') {
    // A download cut short or an archive that failed midway may have left part of a tree; the install needs none.
    await Promise.all(freshDirs.map((dir) => rm(dir, { recursive: true, force: true })));
    if (restored.kind === 'cancelled') return { hit: false, message: { level: 'info', text: 'The restore of node_modules was stopped: the run had failed.' } };
    const text =
      restored.timedOutAfterMinutes !== undefined
        ? `Restoring the node_modules cache took longer than SEGMENT_DOWNLOAD_TIMEOUT_MINS (${restored.timedOutAfterMinutes} min); installing without it.`
        : `Restoring the node_modules cache failed (${restored.problem}); installing without it.`;
    return { hit: false, message: { level: 'warning', text } };
  }
  if (restored.kind === 'refused') {
    const { name, reason } = restored.entry;
    const text = `The node_modules cache entry ${restored.key} holds ${quoted(name)}: ${reason}. Nothing of it was restored; installing without it.`;
    return { hit: false, message: { level: 'warning', text } };
  }
  if (restored.kind === 'miss') {
    return { hit: false, message: { level: 'info', text: restored.skipped ?? `No node_modules cache for key ${keys.primaryKey}.` } };
  }
  const matchedKey = restored.key;
  const hit = matchedKey === keys.primaryKey;
  const text = hit
    ? `Restored node_modules from cache key ${matchedKey}.`
    : `Restored node_modules from the older cache key ${matchedKey}; the install brings it up to date.`;
  return { hit, matchedKey, message: { level: 'info', text } };
}

/** An archive's entry name for a log line: quoted, control characters escaped, and cut short when long. */
function quoted(name: string): string {
  return JSON.stringify(name.length > 200 ? `${name.slice(0, 200)}…` : name);
}
