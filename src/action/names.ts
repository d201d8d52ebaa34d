/**
 * Every name the action shares with the runner, each written once: its inputs, its outputs and the state main hands
 * to post (as actions/cache's constants.ts). Imports nothing: the entry reads a state name before the token hand-off,
 * when nothing else may load yet.
 */

/**
 * The inputs action.yml declares (a test checks both lists match), and what an empty value means. "default":
 * action.yml's default, as an empty value always has meant (a workflow may pass '' from an unset variable).
 * "itself": empty is a value of its own.
 */
export const INPUTS = {
  'pulumi-access-token': 'itself', // the PULUMI_ACCESS_TOKEN variable then
  preset: 'itself', // the policy file's preset, else pulumi-0.10
  'registry-url': 'itself', // the preset's
  scope: 'default',
  'working-directory': 'default',
  install: 'default',
  'install-command': 'itself', // rejected when installing
  link: 'itself', // the preset's
  'link-path': 'itself',
  'ignore-scripts': 'default',
  'allow-untrusted': 'default',
  cache: 'default',
  'cache-key-prefix': 'itself',
  policy: 'default',
  'policy-file': 'default',
} as const;
export type InputName = keyof typeof INPUTS;
export const INPUT_NAMES = Object.keys(INPUTS) as InputName[];

/** The outputs action.yml declares, in its order (a test checks action.yml and the README's table against it). */
export const OUTPUTS = {
  npmrc: 'npmrc',
  cacheHit: 'cache-hit',
  cachePrimaryKey: 'cache-primary-key',
  cacheMatchedKey: 'cache-matched-key',
  violations: 'violations',
  report: 'report',
  sarif: 'sarif',
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
