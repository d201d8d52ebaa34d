import * as core from '@actions/core';

/** What main hands to post. The runner passes it as STATE_<name> variables; it never holds the token. */
const IS_POST = 'isPost';
const CONFIG_DIR = 'configDir';

export const isPost = (): boolean => core.getState(IS_POST) === 'true';

/** Saved first thing in main, so post knows it is post even when main failed early. */
export function markMainStarted(): void {
  core.saveState(IS_POST, 'true');
}

export function saveConfigDir(dir: string): void {
  core.saveState(CONFIG_DIR, dir);
}

export const configDir = (): string => core.getState(CONFIG_DIR);
