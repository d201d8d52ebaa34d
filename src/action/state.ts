import { core } from './toolkit.js';
import { STATE } from './names.js';

/** What main hands to post (the names and what each holds: STATE in names.ts). */
export function markMainStarted(): void {
  core.saveState(STATE.isPost, 'true');
}

export function saveConfigDir(dir: string): void {
  core.saveState(STATE.configDir, dir);
}

export const configDir = (): string => core.getState(STATE.configDir);

export function saveSnapshotDir(dir: string): void {
  core.saveState(STATE.snapshotDir, dir);
}

export const snapshotDir = (): string => core.getState(STATE.snapshotDir);

export function markMainSucceeded(): void {
  core.saveState(STATE.mainSucceeded, 'true');
}

export const mainSucceeded = (): boolean => core.getState(STATE.mainSucceeded) === 'true';
