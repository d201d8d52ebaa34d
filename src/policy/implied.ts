import { basename } from 'node:path';
import type * as Yaml from 'yaml';
import { matchesPackage } from './package-pattern.js';
import type { ImpliedUse, SourceFile } from './types.js';

/** Loaded once, on first need: every later import() of it would resolve the module again. */
let yamlModule: Promise<typeof Yaml> | undefined;

export interface Implication {
  /** The package whose use implies this one. */
  by: string;
  /** Why, for messages and the summary: e.g. `implied by @pulumi/cloud (cloud:provider: aws in Pulumi.dev.yaml)`. */
  reason: string;
}

export interface ImpliedResult {
  implied: Map<string, Implication>;
  /** Implied uses whose `by` package is used but whose stack setting says otherwise: why not. */
  unmet: Map<string, string>;
}

/**
 * Which of the `listed` packages count as used without an import (a rule's `package` may be a scope glob). A `when`
 * condition holds when some stack settings file sets the key to the value, or when none sets the key at all (then
 * the check cannot tell, and gives the benefit of the doubt rather than fail a program that may be right).
 */
export async function resolveImplied(rules: ImpliedUse[], used: Set<string>, listed: string[], stackFiles: SourceFile[]): Promise<ImpliedResult> {
  const result: ImpliedResult = { implied: new Map(), unmet: new Map() };
  for (const rule of rules) {
    const by = [...used].find((name) => matchesPackage(rule.by, name));
    const targets = rule.package.endsWith('/*') ? listed.filter((name) => matchesPackage(rule.package, name) && name !== by) : [rule.package];
    const open = targets.filter((name) => !result.implied.has(name));
    if (by === undefined || open.length === 0) continue;
    const outcome = await impliedOutcome(rule, by, stackFiles);
    for (const name of open) {
      if ('reason' in outcome) result.implied.set(name, { by, reason: outcome.reason });
      else result.unmet.set(name, outcome.unmet);
    }
  }
  return result;
}

async function impliedOutcome({ when }: ImpliedUse, by: string, stackFiles: SourceFile[]): Promise<{ reason: string } | { unmet: string }> {
  if (when === undefined) return { reason: `implied by ${by}` };
  const { config, equals } = when;
  // Only files that mention the key's name can set it: the others need no YAML parse.
  const settings = await readSettings(stackFiles.filter((file) => file.text.includes(config.slice(config.lastIndexOf(':') + 1))));
  const values = [...(settings.get(config) ?? []), ...(settings.get(legacyKey(config)) ?? [])];
  const match = values.find((setting) => setting.value === equals);
  if (match) return { reason: `implied by ${by} (${config}: ${equals} in ${match.file})` };
  if (values.length === 0) return { reason: `implied by ${by} (no stack sets ${config})` };
  return { unmet: `${by} loads it only when a stack sets ${config} to ${equals}, and the stacks set ${[...new Set(values.map((v) => v.value))].join(', ')}` };
}

/** Before Pulumi 0.11 a key was spelled `<namespace>:config:<key>` (cloud:config:provider). */
function legacyKey(key: string): string {
  const colon = key.indexOf(':');
  return colon === -1 ? key : `${key.slice(0, colon)}:config${key.slice(colon)}`;
}

/** The `config` settings of Pulumi.yaml and Pulumi.<stack>.yaml files; unreadable files set nothing. */
async function readSettings(files: SourceFile[]): Promise<Map<string, { value: string; file: string }[]>> {
  const settings = new Map<string, { value: string; file: string }[]>();
  if (files.length === 0) return settings;
  // The YAML parser is loaded only for a stack file that may set the key: most runs never need it.
  const yaml = await (yamlModule ??= import('yaml'));
  for (const file of files) {
    const document = yaml.parseDocument(file.text);
    if (document.errors.length > 0) continue;
    const config = document.get('config', true);
    if (!yaml.isMap(config)) continue;
    const name = basename(file.path);
    for (const pair of config.items) {
      if (!yaml.isScalar(pair.key)) continue;
      const value = settingValue(yaml, pair.value);
      if (value === undefined) continue;
      const key = String(pair.key.value);
      settings.set(key, [...(settings.get(key) ?? []), { value, file: name }]);
    }
  }
  return settings;
}

/** A plain value, or the `value`/`default` of a structured one (Pulumi.yaml's project-level config). */
function settingValue(yaml: typeof Yaml, node: unknown): string | undefined {
  if (yaml.isScalar(node)) return node.value === null ? undefined : String(node.value);
  if (yaml.isMap(node)) {
    for (const field of ['value', 'default']) {
      const inner = node.get(field, true);
      if (yaml.isScalar(inner) && inner.value !== null) return String(inner.value);
    }
  }
  return undefined;
}
