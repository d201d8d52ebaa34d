import type { ImpliedResult } from '../implied.js';
import type { Lockfile } from '../lockfile.js';
import type { Manifest, ManifestEntry } from '../manifest.js';
import type { Usage } from '../scan/usage.js';
import type { SpecKind } from '../specs.js';
import type { ConfigurableRuleId, Finding, PolicyConfig, PolicyOptions, Severity } from '../types.js';

/** A package.json entry with what the rules need to know about it. */
export interface ClassifiedEntry {
  entry: ManifestEntry;
  spec: SpecKind;
  /** The package npm would install: the entry's name, or an `npm:` alias's target. */
  target: string;
  role: 'scope' | 'link' | 'other';
}

/** Everything the rules read about one package.json (a program, or one workspace of it). */
export interface RuleContext {
  dir: string;
  /** The folder relative to the lockfile's, with forward slashes ('' for the program itself). */
  folder: string;
  manifest: Manifest;
  entries: ClassifiedEntry[];
  usage: Usage;
  implied: ImpliedResult;
  lockfile?: Lockfile;
  options: PolicyOptions;
  config: PolicyConfig;
  /** The packages installed with `npm link`: the preset's, or else the action's `link` input. */
  links: string[];
  inScope(name: string): boolean;
  /** The severity a rule's findings get, or undefined when the rule is off. */
  severity(rule: ConfigurableRuleId): Severity | undefined;
}

/** A finding, and the package.json entry it is about when there is one (for the summary table). */
export interface RuleResult {
  finding: Finding;
  entry?: ManifestEntry;
}

/** Sections whose entries npm installs (bundleDependencies only lists names). */
export const INSTALLED_SECTIONS = new Set(['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']);

/** How a package.json entry reads in a message: "name": "spec". */
export function quoteEntry(name: string, spec: string): string {
  return `${JSON.stringify(name)}: ${JSON.stringify(spec)}`;
}

/** True when the program is a Pulumi program: it lists a scope package, or its sources load one or a link. */
export function isPulumiProgram(context: RuleContext): boolean {
  if (context.entries.some((c) => c.role !== 'other')) return true;
  return [...context.usage.byPackage.keys()].some((name) => context.inScope(name) || context.links.includes(name));
}
