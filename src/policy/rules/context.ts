import type { ImpliedResult } from '../implied.js';
import semver from 'semver';
import { installedFor, type Lockfile, type LockfileResult } from '../lockfile.js';
import { matchesAny, matchesPackage, WHOLE_SCOPE } from '../package-pattern.js';
import type { Manifest, ManifestEntry } from '../manifest.js';
import type { Span } from '../positions.js';
import type { Usage } from '../scan/usage.js';
import type { SpecKind } from '../specs.js';
import type { Finding, InstalledPackage, PolicyConfig, PolicyOptions, ProgramInput } from '../types.js';

/** A package.json entry with what the rules need to know about it. */
export interface ClassifiedEntry {
  entry: ManifestEntry;
  spec: SpecKind;
  /** The package npm would install: the entry's name, or an `npm:` alias's target. */
  target: string;
  role: 'scope' | 'link' | 'other';
}

/** What the rules share across the packages of one program. */
export interface SharedContext {
  options: PolicyOptions;
  config: PolicyConfig;
  /** The packages installed with `npm link`: the action's `link` input, else the preset's. */
  links: string[];
  inScope(name: string): boolean;
  /** The policy file's `ignore.packages` (names or scope globs) leave the package out of every rule. */
  ignored(name: string): boolean;
  /** A workspace root's package.json, when the program is one and its members are checked with it. */
  workspaceRoot?: Manifest;
}

export function sharedContext(options: PolicyOptions): SharedContext {
  return {
    options,
    config: options.config,
    links: options.links,
    inScope: (name) => name.startsWith(`${options.scope}/`),
    ignored: (name) => matchesAny(options.config.ignorePackages, name),
  };
}

/** The package's floor: the policy's floor for its name, else a matching scope glob's, else the whole scope's; undefined when none. */
export function minimumFor(config: PolicyConfig, name: string): string | undefined {
  const floors = config.minimumVersions;
  if (floors[name] !== undefined) return floors[name];
  const glob = Object.keys(floors)
    .filter((pattern) => pattern !== WHOLE_SCOPE && matchesPackage(pattern, name))
    .sort((a, b) => b.length - a.length)[0];
  return glob === undefined ? floors[WHOLE_SCOPE] : floors[glob];
}

/**
 * The range to suggest for a package: from the version the lockfile installs when it knows the package (and it is
 * at or above the floor), else the floor's caret range; undefined when neither is known (say `npm install <name>`
 * then: a made-up range may never have been published).
 */
export function suggestedRange(context: RuleContext, name: string): string | undefined {
  const floor = minimumFor(context.config, name);
  const spec = context.entries.find((classified) => classified.entry.name === name)?.entry.spec;
  const installed = context.lockfile === undefined ? undefined : installedFor(context.lockfile, context.folder, name, spec);
  const version = installed?.link ? undefined : semver.valid(installed?.version ?? '');
  if (version && (floor === undefined || semver.gte(version, floor))) return `^${version}`;
  return floor === undefined ? undefined : `^${floor}`;
}

/** The command that adds `name` to the program, in its package manager's words (npm's without a lockfile). */
export function addCommand(context: RuleContext, name: string): string {
  return `${context.lockfile?.writer.add ?? 'npm install'} ${name}`;
}

/** Everything the rules read about one package.json (a program, or one workspace of it). */
export interface RuleContext extends SharedContext {
  dir: string;
  /** The folder relative to the lockfile's, with forward slashes ('' for the program itself). */
  folder: string;
  manifest: Manifest;
  entries: ClassifiedEntry[];
  usage: Usage;
  implied: ImpliedResult;
  lockfile?: Lockfile;
}

/** What the installed phase reads: the scope packages in node_modules and the lockfile (when it could be read). */
export interface InstalledContext extends SharedContext {
  scopePackages: InstalledPackage[];
  lockfile?: Lockfile;
}

/** A finding, and the package.json entry it is about when there is one (for the summary table). */
export interface RuleResult {
  finding: Finding;
  entry?: ManifestEntry;
}

/** Makes a finding of the rule being run, at its configured severity. */
export type FindingMaker = (file: string, span: Span, message: string, pkg?: string) => Finding;

/** A static check of one package.json, its sources and its lockfile entries. */
export type PackageCheck = (context: RuleContext, finding: FindingMaker) => RuleResult[];
/** A static check run once per program, on its lockfile as read (or the reason it could not be read). */
export type LockfileCheck = (lockfile: LockfileResult, context: SharedContext, finding: FindingMaker) => Finding[];
/** A check after the install and links. */
export type InstalledCheck = (context: InstalledContext, finding: FindingMaker) => Finding[];

/** What a check across the programs of a run reads of a program: its package.json files, not its sources. */
export type ProgramFiles = Pick<ProgramInput, 'dir' | 'packageJson' | 'stackConfigs'> & { workspaces?: ProgramFiles[] };

/** One program of a run: its files, its options, and what makes the rule's findings there (none when the rule is off for it). */
export interface RunProgram {
  files: ProgramFiles;
  options: PolicyOptions;
  finding?: FindingMaker;
}

/** A check once per run, across its programs: each program's findings, in the programs' order. `workspace`: the folder names are relative to it. */
export type ProgramsCheck = (programs: readonly RunProgram[], workspace: string) => Finding[][];

/** How a package.json entry reads in a message: "name": "spec". */
export function quoteEntry(name: string, spec: string): string {
  return `${JSON.stringify(name)}: ${JSON.stringify(spec)}`;
}

/** True when the program is a Pulumi program: it lists a scope package, or its sources load one or a link. */
export function isPulumiProgram(context: Pick<RuleContext, 'entries' | 'usage' | 'links' | 'inScope'>): boolean {
  if (context.entries.some((c) => c.role !== 'other')) return true;
  return [...context.usage.byPackage.keys()].some((name) => context.inScope(name) || context.links.includes(name));
}
