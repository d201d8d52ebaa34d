import * as cache from '@actions/cache';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { downloadTimeoutMinutes, withHttpDeadline } from './deadline.js';
import { nodeModulesDirs } from './paths.js';
import { callCacheSdk, firstProblem } from './sdk-call.js';
import type { CacheMessage } from './sdk-call.js';

export interface RestoreResult {
  /** True only when the primary key itself matched. */
  hit: boolean;
  matchedKey?: string;
  message?: CacheMessage;
}

/**
 * Restores the node_modules trees of `paths` (from `cachePaths`). Faults never throw: a service that is missing,
 * unreachable, failing or slower than SEGMENT_DOWNLOAD_TIMEOUT_MINS, or an archive that does not extract, is a miss
 * with one warning or notice, and leaves no half-extracted tree behind.
 */
export async function restoreNodeModules(paths: string[], keys: { primaryKey: string; restoreKeys: string[] }): Promise<RestoreResult> {
  if (!cache.isFeatureAvailable()) {
    return {
      hit: false,
      message: { level: 'notice', text: 'The Actions cache service is not available on this runner; installing without the node_modules cache.' },
    };
  }
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const freshDirs = nodeModulesDirs(paths)
    .map((dir) => resolve(workspace, dir))
    .filter((dir) => !existsSync(dir));
  const minutes = downloadTimeoutMinutes();
  const {
    value: { outcome, lines },
    expired,
  } = await withHttpDeadline(minutes * 60_000, () => callCacheSdk(() => cache.restoreCache(paths, keys.primaryKey, keys.restoreKeys)));
  const problem = firstProblem(outcome, lines);

  if (problem !== undefined) {
    // A download cut short or an archive that failed midway may have left part of a tree; the install needs none.
    await Promise.all(freshDirs.map((dir) => rm(dir, { recursive: true, force: true })));
    const text = expired
      ? `Restoring the node_modules cache took longer than SEGMENT_DOWNLOAD_TIMEOUT_MINS (${minutes} min); installing without it.`
      : `Restoring the node_modules cache failed (${problem}); installing without it.`;
    return { hit: false, message: { level: 'warning', text } };
  }
  const matchedKey = outcome.ok ? outcome.value : undefined;
  if (matchedKey === undefined) {
    const skipped = lines.find((line) => line.text.startsWith('Cache restore skipped'))?.text;
    return { hit: false, message: { level: 'info', text: skipped ?? `No node_modules cache for key ${keys.primaryKey}.` } };
  }
  const hit = matchedKey === keys.primaryKey;
  const text = hit
    ? `Restored node_modules from cache key ${matchedKey}.`
    : `Restored node_modules from the older cache key ${matchedKey}; the install brings it up to date.`;
  return { hit, matchedKey, message: { level: 'info', text } };
}
