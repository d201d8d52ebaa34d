import type { InputCheckId } from './input-checks.js';
import type { LockfileResult } from './lockfile.js';
import type { PRESET_NAMES, PRESET_REQUESTS } from './preset-names.js';

/**
 * The rules a policy file may set to error, warn or off, by id. The list of rules (rules/index.ts) fills this in
 * (`declare module`): it lies above this file, since the rules use these types, and an import of it would be a cycle.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by rules/index.ts
export interface ConfigurableRules {}
export type ConfigurableRuleId = keyof ConfigurableRules;

/**
 * Rule ids are part of the action's public contract: they title annotations and name rules in the policy file.
 * The input checks (malformed input, say) are not rules one can configure.
 */
export type RuleId = ConfigurableRuleId | InputCheckId;

/** A notice points the way (a better preset, say) and never fails a run. */
export type Severity = 'error' | 'warning' | 'notice';
export type RuleLevel = 'error' | 'warn' | 'off';
export type PolicyMode = 'error' | 'warn' | 'off';
export type PresetName = (typeof PRESET_NAMES)[number];
/** A preset, or `auto`: each program's layout decides (see preset-detect.ts). */
export type PresetRequest = (typeof PRESET_REQUESTS)[number];
/** Where the preset came from: the `preset` input, the policy file's `preset`, or neither. */
export type PresetOrigin = 'input' | 'policy file' | 'default';

export interface Finding {
  rule: RuleId;
  severity: Severity;
  file: string /* absolute path */;
  line: number;
  column: number /* 1-based */;
  endLine?: number;
  endColumn?: number;
  message: string /* one sentence or two: what is wrong and what to change */;
  package?: string;
}

export interface SourceFile {
  path: string /* absolute */;
  text: string;
}

export interface ProgramInput {
  dir: string /* absolute */;
  packageJson: SourceFile;
  /** The lockfile as the program's package manager read it. */
  lockfile?: LockfileResult;
  sources: SourceFile[];
  /** The program's Pulumi.yaml and Pulumi.<stack>.yaml files, for implied uses. */
  stackConfigs?: SourceFile[];
  /** The Pulumi projects found in the package's folder and below it; absent when not looked for. */
  projects?: PulumiProjects;
  /** The npm workspaces of a workspace root, each checked as a program of its own (sharing the root's lockfile). */
  workspaces?: ProgramInput[];
}

/** The Pulumi projects (project files, absolute) found in a package folder and below it. */
export interface PulumiProjects {
  /** The projects that run with this package.json: in its folder, else below it with no package.json between. */
  own: string[];
  /** The projects below it that have a package.json of their own (a nested package's). */
  nested: string[];
}

/**
 * A package used without an import: `package` counts as used when `by` is used and, if `when` is given, some
 * stack settings file sets `when.config` to `when.equals` (or no stack settings file sets `when.config` at all).
 */
export interface ImpliedUse {
  package: string;
  by: string;
  when?: { config: string; equals: string };
}

export interface PolicyConfig {
  preset: PresetName;
  presetOrigin: PresetOrigin;
  /** Set when `auto` chose the preset: the program's layout that decided it. */
  presetEvidence?: string;
  rules: Record<ConfigurableRuleId, RuleLevel>;
  /** The lowest supported version per package name or scope glob; WHOLE_SCOPE ('*') holds for every scope package. */
  minimumVersions: Record<string, string>;
  /** The range a linked package's peerDependencies entry should have; shown in messages. */
  linkedPeerRange: string;
  /** The scope packages (names or scope globs) a program may list; undefined allows any. */
  allowedPackages?: string[];
  /** The registry the preset routes the scope to (when the `registry-url` input is empty); undefined routes nothing. */
  registryUrl?: string;
  /** The packages the preset links (when the `link` input is empty). */
  links: string[];
  impliedUses: ImpliedUse[];
  ignorePackages: string[];
  ignorePaths: string[];
  /** The policy file this config came from, when there was one. */
  file?: string;
}

export interface PolicyOptions {
  scope: string /* '@pulumi' */;
  /** The packages installed with npm link: the `link` input, else the preset's. */
  links: string[] /* ['pulumi'] */;
  /** Where npm resolves the scope: the routed registry, else npm's own configured registry. */
  registryUrl: string;
  /** How the package manager rewrites a lockfile's resolved URLs before fetching them; absent: npm's defaults. */
  hostReplacement?: RegistryHostReplacement;
  config: PolicyConfig;
}

/**
 * npm's `replace-registry-host`: `replace` is `npmjs`, `never`, `always`, a host name or a URL prefix, and
 * `registry` the registry a replaced host becomes (npm's `registry`, which is not the scope's own).
 */
export interface RegistryHostReplacement {
  replace: string;
  registry: string;
}

export interface PackageRow {
  /** The workspace folder (relative to the program) whose package.json lists it; absent for the program itself. */
  workspace?: string;
  name: string;
  /** The package.json section that lists it, or `(not listed)`. */
  section: string;
  range: string;
  /** Source files (relative to the package's folder) that load it, `(types only)` when they only import types; or why it counts as used without an import. */
  usedBy: string[];
  findings: RuleId[];
}

/** A policy config, or the policy-file findings that make the file invalid (then there is no config to check with). */
export type ParsedPolicy = { config: PolicyConfig; findings: [] } | { config: undefined; findings: Finding[] };

export interface ProgramReport {
  dir: string;
  findings: Finding[];
  packages: PackageRow[];
}

/** What an edge function read from node_modules after install and link: the scope packages and the lockfile. */
export interface InstalledTreeInput {
  scopePackages: InstalledPackage[];
  lockfile?: LockfileResult;
}

export interface InstalledPackage {
  name: string;
  /** The `version` in node_modules/<name>/package.json, when readable. */
  version?: string;
}
