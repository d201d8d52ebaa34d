/**
 * The names the step hands on, each written once (as actions/cache's constants.ts): its outputs, to later steps, and
 * its state, to its post step. (The inputs are the INPUTS table of settings.ts, beside their parsing.) Imports
 * nothing: the entry reads a state name before the token hand-off, when nothing else may load yet.
 */

/** The outputs action.yml declares, in its order (a test checks action.yml and the README's table against it). */
export const OUTPUTS = {
  npmrc: 'npmrc',
  cacheHit: 'cache-hit',
  cachePrimaryKey: 'cache-primary-key',
  cacheMatchedKey: 'cache-matched-key',
  violations: 'violations',
  report: 'report',
  sarif: 'sarif',
  programs: 'programs',
} as const;

/** What main hands to post; the runner passes each to post as the variable STATE_<name>. It never holds the token. */
export const STATE = {
  /** Saved first thing in main, so post knows it is post even when main failed early. */
  isPost: 'isPost',
  /** The folder holding the scoped .npmrc, for post to remove. */
  configDir: 'configDir',
  /** Where the copies of the user's files are, for post to put back. */
  snapshotDir: 'snapshotDir',
  /** Saved last in main: without it (main failed, or was killed), post puts the snapshot back. */
  mainSucceeded: 'mainSucceeded',
} as const;
