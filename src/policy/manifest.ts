import { printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { findingAt } from './finding.js';
import { PACKAGE_JSON_CHECK } from './input-checks.js';
import { jsonTree, TOO_DEEP } from './json-tree.js';
import { LineIndex, type Span } from './positions.js';
import { DEPENDENCY_SECTIONS, type DependencySection } from './sections.js';
import type { Finding, SourceFile } from './types.js';

/** One package listed in one section of package.json. */
export interface ManifestEntry {
  name: string;
  section: DependencySection;
  /** The version spec; empty for bundleDependencies, which list names only. */
  spec: string;
  /** From the key's opening quote to the end of the value. */
  span: Span;
  /** The value (the spec string, or the name in a bundleDependencies array). */
  valueSpan: Span;
}

export interface Manifest {
  file: string;
  entries: ManifestEntry[];
  /** The key of each section present. */
  sectionKeys: Map<DependencySection, Span>;
  /** The opening brace of the document: where a finding about something missing points. */
  rootSpan: Span;
  /** The `workspaces` globs, when present. */
  workspaces: string[];
  /** The package's `name`, when a string. */
  name?: string;
  /** `"private": true`. */
  private: boolean;
  /** The fields present that publish an API for other packages (`exports`, `types`, …), in the file's order. */
  forOthers: string[];
}

export interface ManifestResult {
  /** Undefined when the file cannot be read as an npm package.json at all. */
  manifest?: Manifest;
  findings: Finding[];
}

/**
 * What a package published for other packages declares and a program does not need: its API's entry points and
 * types, the files it packs, where it is published. `main` is left out: `pulumi new` writes it into programs too.
 */
const PUBLISHING_FIELDS: ReadonlySet<string> = new Set(['exports', 'types', 'typings', 'files', 'publishConfig']);

const STRICT_JSON = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };

/** Parses package.json as npm does (strict JSON), keeping the position of every dependency entry. */
export function parseManifest(file: SourceFile): ManifestResult {
  // npm strips a byte order mark; a space keeps every offset in place.
  const text = file.text.startsWith('\uFEFF') ? ` ${file.text.slice(1)}` : file.text;
  const lines = new LineIndex(text);
  const problem = (span: Span, message: string): Finding => findingAt(PACKAGE_JSON_CHECK.id, 'error', file.path, span, message);

  if (text.trim() === '')
    return {
      findings: [problem(lines.span(0, 0), 'package.json is empty; it must hold a JSON object, such as { "name": "my-program", "dependencies": {} }.')],
    };
  const errors: ParseError[] = [];
  const root = jsonTree(text, errors, STRICT_JSON);
  if (root === TOO_DEEP) return { findings: [problem(lines.span(0, 0), 'package.json is nested thousands of levels deep: no package.json is; fix the file.')] };
  if (errors.length > 0 || root === undefined) {
    // Only the first error: the ones after it are usually echoes of it.
    const first = errors[0];
    const finding = first
      ? problem(
          lines.span(first.offset, first.length),
          `package.json is not valid JSON: ${describeParseError(printParseErrorCode(first.error))} here; fix the syntax so npm can read it.`,
        )
      : problem(lines.span(0, 0), 'package.json is empty; it must hold a JSON object.');
    return { findings: [finding] };
  }

  const findings = duplicateKeys(root).map((key) =>
    problem(
      lines.span(key.offset, key.length),
      `Duplicate key ${key.value === undefined ? '' : JSON.stringify(key.value)} in package.json; npm keeps only the last one, so remove the other.`,
    ),
  );
  if (root.type !== 'object') {
    findings.push(problem(lines.span(root.offset, root.length), 'package.json must hold a JSON object.'));
    return { findings };
  }

  const manifest: Manifest = {
    file: file.path,
    entries: [],
    sectionKeys: new Map(),
    rootSpan: lines.span(root.offset, 1),
    workspaces: [],
    private: false,
    forOthers: [],
  };
  for (const property of root.children ?? []) {
    const [key, value] = property.children ?? [];
    if (key === undefined || value === undefined) continue;
    const name = String(key.value);
    if (name === 'workspaces') {
      manifest.workspaces = workspaceGlobs(value);
      continue;
    }
    if (name === 'name' && typeof value.value === 'string') manifest.name = value.value;
    if (name === 'private') manifest.private = value.value === true;
    if (PUBLISHING_FIELDS.has(name)) manifest.forOthers.push(name);
    const section = DEPENDENCY_SECTIONS.find((candidate) => candidate === name);
    if (section === undefined) continue;
    manifest.sectionKeys.set(section, lines.span(key.offset, key.length));
    const read = section === 'bundleDependencies' || section === 'bundledDependencies' ? readBundled : readSpecs;
    read(section, value, lines, manifest.entries, (span, message) => findings.push(problem(span, message)));
  }
  return { manifest, findings };
}

type Report = (span: Span, message: string) => void;

function readSpecs(section: DependencySection, value: Node, lines: LineIndex, out: ManifestEntry[], report: Report): void {
  if (value.type !== 'object') {
    report(lines.span(value.offset, value.length), `"${section}" must be an object of package names to version ranges.`);
    return;
  }
  for (const property of value.children ?? []) {
    const [key, spec] = property.children ?? [];
    if (key === undefined || spec === undefined) continue;
    const name = String(key.value);
    if (spec.type !== 'string') {
      report(lines.span(spec.offset, spec.length), `The version of "${name}" in "${section}" must be a string such as "^1.0.0".`);
      continue;
    }
    out.push({
      name,
      section,
      spec: String(spec.value),
      span: lines.span(key.offset, spec.offset + spec.length - key.offset),
      valueSpan: lines.span(spec.offset, spec.length),
    });
  }
}

function readBundled(section: DependencySection, value: Node, lines: LineIndex, out: ManifestEntry[], report: Report): void {
  // `true` bundles every dependency: no single entry to point at, and the placement rules care about names.
  if (value.type === 'boolean') return;
  if (value.type !== 'array') {
    report(lines.span(value.offset, value.length), `"${section}" must be an array of package names (or true).`);
    return;
  }
  for (const item of value.children ?? []) {
    if (item.type !== 'string') {
      report(lines.span(item.offset, item.length), `"${section}" must list package names as strings.`);
      continue;
    }
    const span = lines.span(item.offset, item.length);
    out.push({ name: String(item.value), section, spec: '', span, valueSpan: span });
  }
}

function workspaceGlobs(value: Node): string[] {
  // npm accepts an array of globs; yarn's { packages: [...] } form is read too.
  const list = value.type === 'object' ? value.children?.find((p) => p.children?.[0]?.value === 'packages')?.children?.[1] : value;
  if (list?.type !== 'array') return [];
  return (list.children ?? []).filter((item) => item.type === 'string').map((item) => String(item.value));
}

/** The key nodes that repeat an earlier key of the same object, anywhere in the document. */
function duplicateKeys(node: Node): Node[] {
  const repeats: Node[] = [];
  const pending: Node[] = [node];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const seen = new Set<unknown>();
    for (const child of current.children ?? []) {
      if (current.type === 'object') {
        const key = child.children?.[0];
        if (key !== undefined && seen.has(key.value)) repeats.push(key);
        seen.add(key?.value);
        const value = child.children?.[1];
        if (value !== undefined) pending.push(value);
      } else {
        pending.push(child);
      }
    }
  }
  return repeats.sort((a, b) => a.offset - b.offset);
}

/** A JSON syntax error in words, for the package.json and lockfile messages. */
export function describeParseError(code: string): string {
  const words: Record<string, string> = {
    InvalidSymbol: 'an unexpected character',
    InvalidNumberFormat: 'a malformed number',
    PropertyNameExpected: 'a property name (in double quotes) is expected',
    ValueExpected: 'a value is expected',
    ColonExpected: 'a colon is expected',
    CommaExpected: 'a comma is expected',
    CloseBraceExpected: 'a closing brace is expected',
    CloseBracketExpected: 'a closing bracket is expected',
    EndOfFileExpected: 'nothing more is expected',
    InvalidCommentToken: 'comments are not allowed in package.json',
    UnexpectedEndOfComment: 'an unterminated comment',
    UnexpectedEndOfString: 'an unterminated string',
    UnexpectedEndOfNumber: 'an unterminated number',
    InvalidUnicode: 'an invalid unicode escape',
    InvalidEscapeCharacter: 'an invalid escape character',
    InvalidCharacter: 'a character that is not allowed in a string',
  };
  return words[code] ?? code;
}
