import * as core from '@actions/core';

/** What main hands to post. The runner passes it as STATE_<name> variables; it never holds the token. */
const IS_POST = 'isPost';
const CONFIG_DIR = 'configDir';
const SNAPSHOT_DIR = 'snapshotDir';
const MAIN_SUCCEEDED = 'mainSucceeded';

/**
 * Saved first thing in main, so post knows it is post even when main failed early. src/index.ts reads it as
 * STATE_isPost without @actions/core, which it must not load before the token hand-off.
 */
export function markMainStarted(): void {
  core.saveState(IS_POST, 'true');
}

export function saveConfigDir(dir: string): void {
  core.saveState(CONFIG_DIR, dir);
}

export const configDir = (): string => core.getState(CONFIG_DIR);

/** Saved before the first install: where the copies of the user's files are, for post to put back. */
export function saveSnapshotDir(dir: string): void {
  core.saveState(SNAPSHOT_DIR, dir);
}

export const snapshotDir = (): string => core.getState(SNAPSHOT_DIR);

/** Saved last in main: without it (main failed, or was killed), post puts the snapshot back. */
export function markMainSucceeded(): void {
  core.saveState(MAIN_SUCCEEDED, 'true');
}

export const mainSucceeded = (): boolean => core.getState(MAIN_SUCCEEDED) === 'true';
