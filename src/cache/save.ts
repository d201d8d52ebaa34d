import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { nodeModulesDirs } from './paths.js';
import type { CacheMessage } from './restore.js';
import { saveWithSdk } from './sdk-call.js';

export interface SaveResult {
  saved: boolean;
  message?: CacheMessage;
}

/**
 * Saves the node_modules trees of `paths` (from `cachePaths`) under `primaryKey`. Faults never throw: a failing
 * service, a key another job is already saving, or a read-only cache token each come back as one message. The caller
 * checks first that the service is there.
 */
export async function saveNodeModules(paths: string[], primaryKey: string): Promise<SaveResult> {
  const notSaved = (level: CacheMessage['level'], text: string): SaveResult => ({ saved: false, message: { level, text } });
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  if (!nodeModulesDirs(paths).some((dir) => existsSync(resolve(workspace, dir)))) return notSaved('info', 'There is no node_modules to cache.');

  const outcome = await saveWithSdk(paths, primaryKey);
  switch (outcome.kind) {
    case 'saved':
      return { saved: true, message: { level: 'info', text: `Saved node_modules to cache key ${primaryKey}.` } };
    case 'write-denied':
      return notSaved('notice', 'This run may not write to the cache (its cache token is read-only); node_modules was not saved.');
    case 'reserved-elsewhere':
      return notSaved('notice', `Another job is already saving cache key ${primaryKey}; this job did not save node_modules.`);
    case 'fault':
      return notSaved('warning', `Saving the node_modules cache failed (${outcome.problem}); the job goes on.`);
    case 'not-saved':
      return notSaved('info', outcome.skipped ?? `node_modules was not saved under cache key ${primaryKey}.`);
  }
}
