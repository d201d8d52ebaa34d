import { dirname } from 'node:path';
import { parseManifest, type ManifestEntry } from '../policy/manifest.js';
import { RULES } from '../policy/rules/index.js';
import type { FixBasis, FixContext, RuleFix } from '../policy/rules/rule.js';
import type { Finding, PolicyOptions, RuleId, SourceFile } from '../policy/types.js';

/** One change to a package.json section: set an entry's spec, or remove the entry. */
export type FixEdit = { kind: 'set'; section: string; name: string; spec: string } | { kind: 'remove'; section: string; name: string };

export interface FixPlan {
  edits: FixEdit[];
  /** The edits only the preset in use would make, when `preset: auto` chose it: shown, not written. */
  suggestions: FixEdit[];
  /** Findings of fixable rules that fix leaves alone, each with what to do by hand. */
  notes: string[];
}

export interface FixRequest {
  packageJson: SourceFile;
  /** The findings about this package.json and about the sources of its package. */
  findings: Finding[];
  options: PolicyOptions;
  /** The version the lockfile or node_modules resolves for a package, by name. */
  resolved: ReadonlyMap<string, string>;
  /** The command that adds a package, in the program's package manager's words. */
  addCommand: string;
}

/** Each rule's fix, by id: the rules without one (the lockfile's, say) are reported, not fixed. */
const FIXES: ReadonlyMap<RuleId, RuleFix> = new Map(RULES.flatMap((rule) => (rule.fix ? [[rule.id, rule.fix] as const] : [])));

/** The rules whose findings fix repairs in package.json. */
export const FIXABLE_RULES: ReadonlySet<RuleId> = new Set(FIXES.keys());

/**
 * The edits that repair the findings of the fixable rules in one package.json, and notes for the ones it cannot
 * repair. Pure: only the entries the findings name are touched, and each entry at most once.
 */
export function planFix({ packageJson, findings, options, resolved, addCommand }: FixRequest): FixPlan {
  const manifest = parseManifest(packageJson).manifest;
  const plan: FixPlan = { edits: [], suggestions: [], notes: [] };
  if (manifest === undefined) return plan;
  const confirmed = presetConfirmed(options);
  const add = (edit: FixEdit, basis: FixBasis = 'policy') => {
    if ([...plan.edits, ...plan.suggestions].some((e) => e.section === edit.section && e.name === edit.name)) return;
    (basis === 'preset' && !confirmed ? plan.suggestions : plan.edits).push(edit);
  };
  for (const finding of findings) {
    const name = finding.package;
    const fix = FIXES.get(finding.rule);
    // A notice points the way and asks for no change: fix writes only what a rule requires.
    if (name === undefined || fix === undefined || finding.severity === 'notice') continue;
    const context: FixContext = {
      finding,
      name,
      entry: manifest.entries.find((e) => e.name === name && isAt(finding, e)),
      dir: dirname(packageJson.path),
      options,
      resolved: resolved.get(name),
      listedIn: (section) => manifest.entries.some((e) => e.section === section && e.name === name),
      set: (section, spec, basis) => add({ kind: 'set', section, name, spec }, basis),
      remove: (entry, basis) => add({ kind: 'remove', section: entry.section, name: entry.name }, basis),
      note: (text) => plan.notes.push(`${name}: ${text}`),
      addCommand,
    };
    fix(context);
  }
  return plan;
}

/** The user chose the preset (with `--preset`, the `preset` input or the policy file): `auto` did not decide it. */
export function presetConfirmed(options: PolicyOptions): boolean {
  return options.config.presetEvidence === undefined;
}

/** The finding points at the entry: at its key (the whole entry) or at its value. */
function isAt(finding: Finding, entry: ManifestEntry): boolean {
  return [entry.span.start, entry.valueSpan.start].some((start) => start.line === finding.line && start.column === finding.column);
}

/** How an edit reads in fix's output: `+ dependencies "@pulumi/aws": "^0.10.0"` or `- devDependencies "@pulumi/aws"`. */
export function describeEdit(edit: FixEdit): string {
  return edit.kind === 'set'
    ? `+ ${edit.section} ${JSON.stringify(edit.name)}: ${JSON.stringify(edit.spec)}`
    : `- ${edit.section} ${JSON.stringify(edit.name)}`;
}
