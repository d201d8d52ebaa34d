import { dirname } from 'node:path';
import semver from 'semver';
import { minimumFor } from '../policy/rules/context.js';
import { parseManifest, type ManifestEntry } from '../policy/manifest.js';
import { admitsBelow, classifySpec } from '../policy/specs.js';
import type { Finding, PolicyOptions, RuleId, SourceFile } from '../policy/types.js';

/** One change to a package.json section: set an entry's spec, or remove the entry. */
export type FixEdit = { kind: 'set'; section: string; name: string; spec: string } | { kind: 'remove'; section: string; name: string };

export interface FixPlan {
  edits: FixEdit[];
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
}

/** The rules whose findings fix repairs in package.json; the others (lockfile, consistent versions) need npm. */
export const FIXABLE_RULES: ReadonlySet<RuleId> = new Set([
  'scoped-in-dependencies',
  'linked-peer',
  'minimum-version',
  'strict-dependencies',
  'undeclared-dependency',
]);

/**
 * The edits that repair the findings of the fixable rules in one package.json, and notes for the ones it cannot
 * repair. Pure: only the entries the findings name are touched, and each entry at most once.
 */
export function planFix({ packageJson, findings, options, resolved }: FixRequest): FixPlan {
  const manifest = parseManifest(packageJson).manifest;
  const plan: FixPlan = { edits: [], notes: [] };
  if (manifest === undefined) return plan;
  const { config } = options;
  const links = options.links;
  const listedIn = (section: string, name: string) => manifest.entries.some((e) => e.section === section && e.name === name);
  const add = (edit: FixEdit) => {
    if (!plan.edits.some((e) => e.section === edit.section && e.name === edit.name)) plan.edits.push(edit);
  };
  const remove = (entry: ManifestEntry) => add({ kind: 'remove', section: entry.section, name: entry.name });

  for (const finding of findings) {
    const name = finding.package;
    if (name === undefined || !FIXABLE_RULES.has(finding.rule)) continue;
    const entry = manifest.entries.find((e) => e.name === name && isAt(finding, e));
    switch (finding.rule) {
      case 'scoped-in-dependencies': {
        const disallowed = config.allowedPackages !== undefined && !config.allowedPackages.includes(name);
        if (entry === undefined || entry.section === 'dependencies' || disallowed) {
          plan.notes.push(`${name}: ${finding.message}`);
          break;
        }
        if (!listedIn('dependencies', name)) add({ kind: 'set', section: 'dependencies', name, spec: keptOrFloor(entry, minimumFor(config, name)) });
        remove(entry);
        break;
      }
      case 'linked-peer':
        if (entry !== undefined && entry.section !== 'peerDependencies') remove(entry);
        if (entry?.section === 'peerDependencies' || !listedIn('peerDependencies', name)) {
          add({ kind: 'set', section: 'peerDependencies', name, spec: config.linkedPeerRange });
        }
        break;
      case 'minimum-version': {
        if (entry === undefined) break;
        const spec = classifySpec(name, entry.spec, dirname(packageJson.path));
        const fromRegistry = spec.kind === 'range' || spec.kind === 'tag';
        const floor = `^${minimumFor(config, name) ?? '0.0.0'}`;
        if (fromRegistry && spec.target === name) add({ kind: 'set', section: entry.section, name, spec: floor });
        else {
          const what = fromRegistry ? `an alias of "${spec.target}"` : 'not a registry range';
          plan.notes.push(`${name}: "${entry.spec}" is ${what}; change it by hand to "${floor}" if the registry should serve it.`);
        }
        break;
      }
      case 'strict-dependencies':
        if (entry !== undefined) remove(entry);
        break;
      case 'undeclared-dependency':
        if (links.includes(name)) add({ kind: 'set', section: 'peerDependencies', name, spec: config.linkedPeerRange });
        else {
          const spec = resolvedOrFloor(resolved.get(name), minimumFor(config, name));
          if (spec === undefined) plan.notes.push(`${name}: neither the lockfile nor a floor gives its version; run npm install ${name}.`);
          else add({ kind: 'set', section: 'dependencies', name, spec });
        }
        break;
    }
  }
  return plan;
}

/** The finding points at the entry: at its key (the whole entry) or at its value. */
function isAt(finding: Finding, entry: ManifestEntry): boolean {
  return [entry.span.start, entry.valueSpan.start].some((start) => start.line === finding.line && start.column === finding.column);
}

/** A misplaced entry's own range when it starts at the floor or above, else the floor's caret range. */
function keptOrFloor(entry: ManifestEntry, minimum: string | undefined): string {
  const valid = semver.validRange(entry.spec) !== null && entry.spec !== '';
  if (minimum === undefined) return entry.spec;
  return valid && !admitsBelow(entry.spec, minimum) ? entry.spec : `^${minimum}`;
}

/** `^<version>` for the version npm resolved (as `npm install <name>` saves it), unless it is below the floor. */
function resolvedOrFloor(version: string | undefined, minimum: string | undefined): string | undefined {
  if (version !== undefined && semver.valid(version) !== null && (minimum === undefined || !semver.lt(version, minimum))) return `^${version}`;
  return minimum === undefined ? undefined : `^${minimum}`;
}

/** How an edit reads in fix's output: `+ dependencies "@pulumi/aws": "^0.10.0"` or `- devDependencies "@pulumi/aws"`. */
export function describeEdit(edit: FixEdit): string {
  return edit.kind === 'set'
    ? `+ ${edit.section} ${JSON.stringify(edit.name)}: ${JSON.stringify(edit.spec)}`
    : `- ${edit.section} ${JSON.stringify(edit.name)}`;
}
