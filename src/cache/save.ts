import * as cache from '@actions/cache';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { nodeModulesDirs } from './paths.js';
import { callCacheSdk, firstProblem } from './sdk-call.js';
import type { CacheMessage } from './sdk-call.js';

export interface SaveResult {
  saved: boolean;
  message?: CacheMessage;
}

/** What the SDK says when another job holds the reservation of the same key and version. */
const RESERVED_ELSEWHERE = 'another job may be creating this cache';
/**
 * Service v2 says RESERVED_ELSEWHERE for any failed reservation, a request that never got an answer included; only
 * its debug line tells the two apart.
 */
const RESERVATION_REQUEST_FAILED = /^Failed to reserve cache: (?:Error: )?(Failed to CreateCacheEntry: .*)/s;

/**
 * Saves the node_modules trees of `paths` (from `cachePaths`) under `primaryKey`. Faults never throw: a missing or
 * failing service, a key another job is already saving, or a read-only cache token each come back as one message.
 */
export async function saveNodeModules(paths: string[], primaryKey: string): Promise<SaveResult> {
  const notSaved = (level: CacheMessage['level'], text: string): SaveResult => ({ saved: false, message: { level, text } });
  if (!cache.isFeatureAvailable()) {
    return notSaved('notice', 'The Actions cache service is not available on this runner; node_modules was not saved.');
  }
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  if (!nodeModulesDirs(paths).some((dir) => existsSync(resolve(workspace, dir)))) return notSaved('info', 'There is no node_modules to cache.');

  const { outcome, lines } = await callCacheSdk(() => cache.saveCache(paths, primaryKey));
  const said = (fragment: string) => lines.some((line) => line.text.includes(fragment));
  if (said(cache.CACHE_WRITE_DENIED_PREFIX)) {
    return notSaved('notice', 'This run may not write to the cache (its cache token is read-only); node_modules was not saved.');
  }
  const requestFailure = lines.map((line) => RESERVATION_REQUEST_FAILED.exec(line.text)?.[1]).find(Boolean);
  if (!requestFailure && said(RESERVED_ELSEWHERE)) {
    return notSaved('notice', `Another job is already saving cache key ${primaryKey}; this job did not save node_modules.`);
  }
  const problem = requestFailure?.split(/\r?\n/)[0] ?? firstProblem(outcome, lines);
  if (problem !== undefined) return notSaved('warning', `Saving the node_modules cache failed (${problem}); the job goes on.`);
  if (!outcome.ok || outcome.value === -1) {
    return notSaved(
      'info',
      lines.find((line) => line.text.startsWith('Cache save skipped'))?.text ?? `node_modules was not saved under cache key ${primaryKey}.`,
    );
  }
  return { saved: true, message: { level: 'info', text: `Saved node_modules to cache key ${primaryKey}.` } };
}
