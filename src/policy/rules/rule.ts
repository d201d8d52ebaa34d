import type { ManifestEntry } from '../manifest.js';
import type { Finding, PolicyOptions, PresetName, RuleLevel } from '../types.js';
import type { InstalledCheck, LockfileCheck, PackageCheck, ProgramsCheck } from './context.js';

/** What a rule asks for, for SARIF logs and help. */
export interface RuleDescription {
  /** One line: what the rule asks for. */
  short: string;
  /** Why, and how to comply: shown as a rule's help in code scanning. */
  help: string;
}

/** Everything about one configurable rule: its module holds it, and the list of rules (index.ts) names it. */
interface RuleBase<Id extends string> {
  id: Id;
  /** The rule's level in each preset. */
  defaults: Readonly<Record<PresetName, RuleLevel>>;
  description: RuleDescription;
  /** The rule reads the sources: a package with no source file to scan passes it unchecked (the action says so). */
  readsSources?: true;
  /** The rule holds for every package, a library too (one that is not a Pulumi program); else for programs only. */
  everyPackage?: true;
  /** How `fix` repairs a finding in package.json; rules without one are reported, not fixed. */
  fix?: RuleFix;
}

export interface StaticRule<Id extends string = string> extends RuleBase<Id> {
  /** Before the install: package.json, the sources and the lockfile as committed. */
  phase: 'static';
  /** Per package.json (the program's and each workspace's). */
  check: PackageCheck;
  /** Once per program, before its package.json checks: its lockfile as read. */
  checkLockfile?: LockfileCheck;
}

export interface InstalledRule<Id extends string = string> extends RuleBase<Id> {
  /** After the install and links: node_modules as the install left it. */
  phase: 'installed';
  check: InstalledCheck;
}

export interface ProgramsRule<Id extends string = string> extends RuleBase<Id> {
  /** Before the install, once per run: the package.json files of all its programs together. */
  phase: 'programs';
  check: ProgramsCheck;
}

export const ERROR_IN_EVERY_PRESET = { 'pulumi-0.10': 'error', current: 'error' } as const;

/** What a rule's module writes besides its id and levels: its description's two parts, flat, and the rest. */
type RuleParts<Rule> = Omit<Rule, 'id' | 'phase' | 'defaults' | 'description'> & RuleDescription;

/** A rule that runs before the install: its module's one definition, with the id as the list of rules types it. */
export function staticRule<Id extends string>(id: Id, defaults: RuleBase<Id>['defaults'], parts: RuleParts<StaticRule<Id>>): StaticRule<Id> {
  const { short, help, ...rule } = parts;
  return { id, phase: 'static', defaults, description: { short, help }, ...rule };
}

/** A rule that runs after the install and links. */
export function installedRule<Id extends string>(id: Id, defaults: RuleBase<Id>['defaults'], parts: RuleParts<InstalledRule<Id>>): InstalledRule<Id> {
  const { short, help, ...rule } = parts;
  return { id, phase: 'installed', defaults, description: { short, help }, ...rule };
}

/** A rule that compares the programs of a run. */
export function programsRule<Id extends string>(id: Id, defaults: RuleBase<Id>['defaults'], parts: RuleParts<ProgramsRule<Id>>): ProgramsRule<Id> {
  const { short, help, ...rule } = parts;
  return { id, phase: 'programs', defaults, description: { short, help }, ...rule };
}

/** What a rule's fix knows and can do about one of its findings in one package.json; fix/plan.ts gathers the edits. */
export interface FixContext {
  finding: Finding;
  /** The package the finding is about. */
  name: string;
  /** The package.json entry the finding points at, if any. */
  entry: ManifestEntry | undefined;
  /** The folder of package.json. */
  dir: string;
  options: PolicyOptions;
  /** The version the lockfile or node_modules resolves for the package, when fix looked it up. */
  resolved: string | undefined;
  /** The package is listed in `section`. */
  listedIn: (section: string) => boolean;
  /** Sets the package's spec in `section` (the first edit of an entry wins). */
  set: (section: string, spec: string, basis?: FixBasis) => void;
  remove: (entry: ManifestEntry, basis?: FixBasis) => void;
  /** Something fix leaves to be done by hand, about the package. */
  note: (text: string) => void;
  /** The command that adds a package, in the program's package manager's words (`pnpm add`, `npm install`). */
  addCommand: string;
}

/**
 * Why an edit is made: `policy`, any preset would make it (the default); `preset`, only the preset in use would (its
 * floors, its links, what it counts as misplaced). A `preset` edit is written only when the user chose the preset.
 */
export type FixBasis = 'policy' | 'preset';

export type RuleFix = (context: FixContext) => void;
