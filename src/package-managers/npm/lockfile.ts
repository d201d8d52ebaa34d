import { findNodeAtLocation, printParseErrorCode, type JSONPath, type Node, type ParseError } from 'jsonc-parser';
import { jsonTree, TOO_DEEP } from '../../policy/json-tree.js';
import type { LockEntry, Lockfile, LockfileResult, LockfileWriter, LockPackage, LockRoot, LockTree } from '../../policy/lockfile.js';
import { describeParseError } from '../../policy/manifest.js';
import { LineIndex } from '../../policy/positions.js';
import { INSTALLED_SECTIONS } from '../../policy/sections.js';
import type { SourceFile } from '../../policy/types.js';

type Json = Record<string, unknown>;

const KNOWN_VERSIONS = [1, 2, 3];
const NPM: LockfileWriter = {
  name: 'npm',
  install: 'npm install',
  add: 'npm install',
  frozenInstall: 'npm ci',
  scopeConfig: '.npmrc',
  replacesRegistryHost: true,
};

/**
 * Reads package-lock.json (lockfile version 1, 2 or 3) into the policy's model. Lockfiles are large and findings in them rare, so the
 * data comes from JSON.parse and positions from a syntax tree built only when a finding needs one.
 */
export function readNpmLockfile(file: SourceFile): LockfileResult {
  let data: unknown;
  try {
    data = JSON.parse(file.text);
  } catch {
    data = undefined;
  }
  if (!isObject(data)) {
    const errors: ParseError[] = [];
    jsonTree(file.text, errors, { disallowComments: true, allowTrailingComma: false });
    const first = errors[0];
    const span = new LineIndex(file.text).span(first?.offset ?? 0, first?.length ?? 0);
    const detail = first ? `is not valid JSON: ${describeParseError(printParseErrorCode(first.error))} here` : 'does not hold a JSON object';
    return { error: { file: file.path, span, message: `package-lock.json ${detail}; delete it and run npm install to write a new one.` } };
  }
  const version = data['lockfileVersion'];
  if (version !== undefined && !KNOWN_VERSIONS.includes(version as number)) {
    const span = locator(file.text)(['lockfileVersion'], 'value');
    return {
      error: {
        file: file.path,
        span,
        message:
          `package-lock.json has lockfileVersion ${JSON.stringify(version)}, which is none of ` +
          `npm's (1, 2 or 3); write it again with npm install, or check what wrote this file.`,
      },
    };
  }
  return { lockfile: { file: file.path, writer: NPM, ...lockTree(data), locate: locator(file.text) } };
}

/** The tree a lockfile's parsed JSON describes; anything but an object describes an empty version 1 tree. */
export function lockTree(data: unknown): LockTree {
  const json = isObject(data) ? data : {};
  const version = json['lockfileVersion'];
  const tree: LockTree = { version: typeof version === 'number' ? version : 1, packages: new Map() };
  const packages = json['packages'];
  if (isObject(packages)) {
    tree.roots = new Map();
    for (const [path, value] of Object.entries(packages)) {
      if (!isObject(value)) continue;
      const where = ['packages', path];
      const cut = path.lastIndexOf('node_modules/');
      if (cut === -1) tree.roots.set(path, { ...lockEntry(path, value, where), ...rootSpecs(value, where) });
      else tree.packages.set(path, lockPackage(path, path.slice(cut + 'node_modules/'.length), value, where));
    }
  } else {
    readVersion1(json['dependencies'], '', ['dependencies'], tree.packages);
  }
  return tree;
}

function lockEntry(path: string, value: Json, where: JSONPath): LockEntry {
  const entry: LockEntry = { path, link: value['link'] === true, optional: value['optional'] === true, where };
  if (typeof value['version'] === 'string') entry.version = value['version'];
  if (typeof value['resolved'] === 'string') entry.resolved = value['resolved'];
  if (typeof value['integrity'] === 'string') entry.integrity = value['integrity'];
  return entry;
}

function lockPackage(path: string, installedAs: string, value: Json, where: JSONPath): LockPackage {
  const entry = lockEntry(path, value, where) as LockPackage;
  entry.name = typeof value['name'] === 'string' ? value['name'] : installedAs;
  return entry;
}

/** Version 1 nests `dependencies` by install path; an alias's version reads `npm:<name>@<version>`. */
function readVersion1(node: unknown, prefix: string, where: JSONPath, out: Map<string, LockPackage>): void {
  if (!isObject(node)) return;
  for (const [installedAs, value] of Object.entries(node)) {
    if (!isObject(value)) continue;
    const path = `${prefix}node_modules/${installedAs}`;
    const entry = lockPackage(path, installedAs, value, [...where, installedAs]);
    const alias = /^npm:(@?[^@]+)@(.+)$/.exec(entry.version ?? '');
    if (alias) Object.assign(entry, { name: alias[1], version: alias[2] });
    if (entry.version?.startsWith('file:')) entry.link = true;
    out.set(path, entry);
    readVersion1(value['dependencies'], `${path}/`, [...where, installedAs, 'dependencies'], out);
  }
}

/** A package folder's copy of its package.json's sections (npm's and bun's lockfiles copy them alike). */
export function rootSpecs(value: Json, where: JSONPath): Pick<LockRoot, 'specs' | 'sections'> {
  const specs: LockRoot['specs'] = new Map();
  const sections: LockRoot['sections'] = new Map();
  for (const section of INSTALLED_SECTIONS) {
    const listed = value[section];
    if (!isObject(listed)) continue;
    const inSection = new Map<string, string>();
    for (const [name, spec] of Object.entries(listed)) {
      if (typeof spec !== 'string') continue;
      inSection.set(name, spec);
      specs.set(name, { spec, where: [...where, section, name] });
    }
    sections.set(section, inSection);
  }
  return { specs, sections };
}

/** Builds the syntax tree and line index on the first call only. */
function locator(text: string): Lockfile['locate'] {
  let tree: { root: Node | undefined; lines: LineIndex } | undefined;
  return (where, part) => {
    if (tree === undefined) {
      const root = jsonTree(text);
      tree = { root: root === TOO_DEEP ? undefined : root, lines: new LineIndex(text) };
    }
    const value = tree.root === undefined ? undefined : findNodeAtLocation(tree.root, where);
    const property = value?.parent?.type === 'property' ? value.parent : undefined;
    const node = part === 'value' ? value : part === 'key' ? property?.children?.[0] : property;
    return node === undefined ? tree.lines.span(Math.max(0, text.indexOf('{')), 1) : tree.lines.span(node.offset, node.length);
  };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
