import type { PresetName, RuleLevel } from '../types.js';
import type { InstalledCheck, LockfileCheck, PackageCheck } from './context.js';
import { consistentVersions } from './consistent-versions.js';
import { installedTree } from './installed-tree.js';
import { lockfileFromRegistry, lockfileInStep } from './lockfile.js';
import { minimumVersion } from './minimum-version.js';
import { linkedPeer, scopedInDependencies } from './placement.js';
import { strictDependencies, undeclaredDependency } from './sources.js';

interface StaticRule<Id extends string = string> {
  id: Id;
  /** Before the install: package.json, the sources and the lockfile as committed. */
  phase: 'static';
  /** The rule's level in each preset. */
  defaults: Readonly<Record<PresetName, RuleLevel>>;
  /** Per package.json (the program's and each workspace's). */
  check: PackageCheck;
  /** Once per program, before its package.json checks: its lockfile as read. */
  checkLockfile?: LockfileCheck;
}

interface InstalledRule<Id extends string = string> {
  id: Id;
  /** After the install and links: node_modules as npm left it. */
  phase: 'installed';
  defaults: Readonly<Record<PresetName, RuleLevel>>;
  check: InstalledCheck;
}

type RuleDefinition = StaticRule | InstalledRule;

const ERROR_IN_EVERY_PRESET = { 'pulumi-0.10': 'error', current: 'error' } as const;

/**
 * Every configurable rule, in order of priority: the rules run in this order (their findings come out in it), and
 * when two of them find something about the same package.json entry at the same severity, the first one's finding
 * is kept (it already says what to change there). Adding a rule: a module in this folder, and one line here.
 */
export const RULES = [
  { id: 'scoped-in-dependencies', phase: 'static', defaults: ERROR_IN_EVERY_PRESET, check: scopedInDependencies },
  { id: 'linked-peer', phase: 'static', defaults: ERROR_IN_EVERY_PRESET, check: linkedPeer },
  { id: 'minimum-version', phase: 'static', defaults: ERROR_IN_EVERY_PRESET, check: minimumVersion },
  { id: 'strict-dependencies', phase: 'static', defaults: ERROR_IN_EVERY_PRESET, check: strictDependencies },
  { id: 'undeclared-dependency', phase: 'static', defaults: ERROR_IN_EVERY_PRESET, check: undeclaredDependency },
  // The packages have separate release lines since 1.0, so the current layout does not ask for one.
  { id: 'consistent-versions', phase: 'static', defaults: { 'pulumi-0.10': 'warn', current: 'off' }, check: consistentVersions },
  { id: 'lockfile-registry', phase: 'static', defaults: ERROR_IN_EVERY_PRESET, check: lockfileInStep, checkLockfile: lockfileFromRegistry },
  { id: 'installed-tree', phase: 'installed', defaults: ERROR_IN_EVERY_PRESET, check: installedTree },
] as const satisfies readonly RuleDefinition[];

type Rule = (typeof RULES)[number];
export type ConfigurableRuleId = Rule['id'];

export const STATIC_RULES: readonly StaticRule<ConfigurableRuleId>[] = RULES.filter((rule): rule is Extract<Rule, StaticRule> => rule.phase === 'static');
export const INSTALLED_RULES: readonly InstalledRule<ConfigurableRuleId>[] = RULES.filter(
  (rule): rule is Extract<Rule, InstalledRule> => rule.phase === 'installed',
);
