import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { core } from 'zod/mini';
import { findingAt } from './finding.js';
import { POLICY_FILE_CHECK } from './input-checks.js';
import { policyFileSchema, type PolicyFile } from './policy-file-schema.js';
import { WHOLE_SCOPE } from './package-pattern.js';
import { requestedPreset, type PresetDetector } from './presets.js';
import { minimumVersion } from './rules/index.js';
import type { Finding, ParsedPolicy, PolicyConfig, PresetRequest, SourceFile } from './types.js';

/** A policy file is a few dozen lines: a document whose aliases expand further is an attack on memory. */
const MAX_ALIAS_COUNT = 100;
const MAX_REPORTED_ERRORS = 10;

/**
 * Reads a policy file over its preset (`presetInput` when the `preset` input is set, else the file's own). A YAML
 * error or a schema violation is an error finding (a policy-file check's) on its line, and there is no config: the run fails
 * rather than check with another preset than the one asked for. Loaded only when there is a policy file (see config.ts).
 */
export function parsePolicyFile(file: SourceFile, presetInput: PresetRequest | undefined, detect?: PresetDetector): ParsedPolicy {
  const lines = new LineCounter();
  const document = parseDocument(file.text, { lineCounter: lines, prettyErrors: false });
  const at = (range: readonly [number, number], message: string): Finding => {
    const start = lines.linePos(range[0]);
    const end = lines.linePos(range[1]);
    const span = { start: { line: start.line, column: start.col }, end: { line: end.line, column: end.col } };
    return findingAt(POLICY_FILE_CHECK.id, 'error', file.path, span, message);
  };
  if (document.errors.length > 0) {
    // A hostile file (nested thousands deep, say) gives thousands of errors; the first few say what is wrong.
    const findings = document.errors
      .slice(0, MAX_REPORTED_ERRORS)
      .map((error) => at(error.pos, `The policy file is not valid YAML: ${error.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '')}.`));
    return { config: undefined, findings };
  }
  let value: unknown;
  try {
    // The yaml package stops an alias bomb (aliases expanding to millions of nodes) at maxAliasCount.
    value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const reason = error instanceof ReferenceError ? `more than ${MAX_ALIAS_COUNT} alias expansions` : (error as Error).message;
    return { config: undefined, findings: [at([0, 0], `The policy file cannot be read (${reason}); write the values out.`)] };
  }
  const parsed = policyFileSchema.safeParse(value ?? {}, { reportInput: true });
  if (!parsed.success) {
    const findings = parsed.error.issues
      .map((issue) => at(issueRange(document, issue), describeIssue(issue)))
      .sort((a, b) => a.line - b.line || a.column - b.column);
    return { config: undefined, findings };
  }
  return { config: toConfig(parsed.data, file.path, presetInput, detect), findings: [] };
}

function toConfig(policy: PolicyFile, path: string, presetInput: PresetRequest | undefined, detect: PresetDetector | undefined): PolicyConfig {
  const config = presetInput
    ? requestedPreset(presetInput, 'input', detect)
    : requestedPreset(policy.preset ?? 'auto', policy.preset ? 'policy file' : 'default', detect);
  config.file = path;
  Object.assign(config.rules, policy.rules);
  const minimum = policy[minimumVersion.id];
  if (typeof minimum === 'string') config.minimumVersions = { [WHOLE_SCOPE]: minimum };
  else if (minimum !== undefined) config.minimumVersions = { ...minimum };
  if (policy.packages !== undefined) config.allowedPackages = policy.packages;
  if (policy.implied !== undefined)
    config.impliedUses = policy.implied.map((use) => (use.when ? { ...use, when: { ...use.when } } : { package: use.package, by: use.by }));
  if (policy.ignore?.packages !== undefined) config.ignorePackages = policy.ignore.packages;
  if (policy.ignore?.paths !== undefined) config.ignorePaths = policy.ignore.paths;
  return config;
}

/** Where an issue points: the unknown key itself, else the value at its path, else the nearest parent that exists. */
function issueRange(document: Document, issue: core.$ZodIssue): [number, number] {
  const path = issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part));
  if (issue.code === 'unrecognized_keys') {
    const parent = path.length === 0 ? document.contents : document.getIn(path, true);
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && issue.keys.includes(String(item.key.value)));
      const range = (pair?.key as YamlNode | undefined)?.range;
      if (range) return [range[0], range[1]];
    }
  }
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true);
    const range = (node as YamlNode | null | undefined)?.range;
    if (range) return [range[0], range[1]];
  }
  return [0, 0];
}

function describeIssue(issue: core.$ZodIssue): string {
  const path = issue.path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i > 0 ? '.' : ''}${String(part)}`)).join('');
  const where = path === '' ? 'The policy file' : `"${path}"`;
  switch (issue.code) {
    case 'unrecognized_keys':
      return (
        `Unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')} in ` +
        `${where === 'The policy file' ? 'the policy file' : where}; remove ${issue.keys.length > 1 ? 'them' : 'it'} or fix the spelling.`
      );
    case 'invalid_value':
      return `${where} must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}.`;
    case 'invalid_type':
      if (issue.input === undefined) return `${where} is missing; add it (${article(issue.expected)}).`;
      return `${where} must be ${article(issue.expected)}, not ${article(typeName(issue.input))}.`;
    default:
      return `${where}: ${issue.message}.`;
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

function article(type: string): string {
  const names: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    number: 'a number',
    boolean: 'true or false',
    null: 'empty',
  };
  return names[type] ?? type;
}
