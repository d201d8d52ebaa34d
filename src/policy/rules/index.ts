import { INPUT_CHECKS } from '../input-checks.js';
import type { ConfigurableRuleId, RuleId } from '../types.js';
import { consistentVersions } from './consistent-versions.js';
import { importCase } from './import-case.js';
import { installedTree } from './installed-tree.js';
import { linkedPeer } from './linked-peer.js';
import { lockfileRegistry } from './lockfile-registry.js';
import { minimumVersion } from './minimum-version.js';
import type { InstalledRule, ProgramsRule, RuleDescription, StaticRule } from './rule.js';
import { scopedInDependencies } from './scoped-in-dependencies.js';
import { strictDependencies } from './strict-dependencies.js';
import { undeclaredDependency } from './undeclared-dependency.js';
import { versionsAcrossPrograms } from './versions-across-programs.js';

/**
 * Every configurable rule, in order of priority: the rules run in this order (their findings come out in it), and
 * when two of them find something about the same package.json entry at the same severity, the first one's finding
 * is kept (it already says what to change there). Adding a rule: a module in this folder, and one line here.
 */
export const RULES = [
  scopedInDependencies,
  linkedPeer,
  minimumVersion,
  strictDependencies,
  undeclaredDependency,
  importCase,
  consistentVersions,
  versionsAcrossPrograms,
  lockfileRegistry,
  installedTree,
] as const;

// The rules that other modules name (by id), from the one module that imports the rules' own.
export { linkedPeer, minimumVersion, undeclaredDependency, versionsAcrossPrograms };

type Rule = (typeof RULES)[number];

// The rule id type, in types.ts (below the rules, which use it), is the ids of this list.
declare module '../types.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- its members are the ids
  interface ConfigurableRules extends Record<Rule['id'], true> {}
}

export const STATIC_RULES: readonly StaticRule<ConfigurableRuleId>[] = RULES.filter((rule): rule is Extract<Rule, StaticRule> => rule.phase === 'static');
export const INSTALLED_RULES: readonly InstalledRule<ConfigurableRuleId>[] = RULES.filter(
  (rule): rule is Extract<Rule, InstalledRule> => rule.phase === 'installed',
);
/** The rules that compare the programs of a run (checkAcrossPrograms). */
export const PROGRAMS_RULES: readonly ProgramsRule<ConfigurableRuleId>[] = RULES.filter(
  (rule): rule is Extract<Rule, ProgramsRule> => rule.phase === 'programs',
);

/** What each rule and each input check asks for, for SARIF logs: the rules in their order, then the input checks. */
export const RULE_DESCRIPTIONS: ReadonlyMap<RuleId, RuleDescription> = new Map([...RULES, ...INPUT_CHECKS].map((rule) => [rule.id, rule.description]));
