/** Yarn's lockfile (yarn 1 and yarn 2+ alike), and each generation's record of the tree it installed. */
export const LOCKFILE = 'yarn.lock';
/** Yarn 1 (classic): what it installed, checked by its own `--frozen-lockfile` install. */
export const CLASSIC_INTEGRITY = 'node_modules/.yarn-integrity';
/** Yarn 2+ (berry) with the node-modules linker: every package it installed and where. */
export const BERRY_STATE = 'node_modules/.yarn-state.yml';
/** Yarn 2+'s config file, in a project (and its parents) and in the home folder. */
export const BERRY_RC = '.yarnrc.yml';
/** Yarn 1's own config file beside .npmrc, which it reads too. */
export const CLASSIC_RC = '.yarnrc';

/** Yarn 2+ is every yarn whose major is not 1. */
export function isBerry(version: string): boolean {
  return !version.startsWith('1.');
}

/**
 * Yarn's own install: frozen with a lockfile; without one, yarn 2+ is told it may write one (CI=true forbids it). With
 * "ignore-scripts", yarn 1 runs none, and yarn 2+ skips its build step, the program's own scripts included
 * (its enableScripts spares them).
 */
export function ownInstallCommand(berry: boolean, locked: boolean, ignoreScripts: boolean): string {
  const args = berry
    ? [locked ? '--immutable' : '--no-immutable', ...(ignoreScripts ? ['--mode=skip-build'] : [])]
    : [...(locked ? ['--frozen-lockfile'] : []), ...(ignoreScripts ? ['--ignore-scripts'] : [])];
  return ['yarn install', ...args].join(' ');
}

/** Whether a lockfile's text is yarn 2+'s (yarn 1's has no `__metadata`). */
export function isBerryLockfile(text: string): boolean {
  return /^__metadata:/m.test(text);
}
