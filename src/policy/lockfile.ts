import { findNodeAtLocation, parseTree, printParseErrorCode, type JSONPath, type Node, type ParseError } from 'jsonc-parser';
import { describeParseError } from './manifest.js';
import { LineIndex, type Span } from './positions.js';
import type { SourceFile } from './types.js';

/** One installed package as package-lock.json records it. */
export interface LockPackage {
  /** Its install path, e.g. `node_modules/@pulumi/aws` or `packages/app/node_modules/@pulumi/aws`. */
  path: string;
  /** The package's real name (an `npm:` alias's target when aliased). */
  name: string;
  version?: string;
  resolved?: string;
  /** True for a symbolic link (npm link, a workspace, a `file:` directory). */
  link: boolean;
  /** Where its entry is in the lockfile's JSON. */
  where: JSONPath;
}

/** What the lockfile recorded of one package.json (the root's or a workspace's): its specs by package name. */
export interface LockRoot {
  where: JSONPath;
  specs: Map<string, { spec: string; where: JSONPath }>;
}

export interface Lockfile {
  file: string;
  version: number;
  /** By install path. */
  packages: Map<string, LockPackage>;
  /** By folder relative to the lockfile ('' for the root); absent in lockfile version 1, which keeps no copy. */
  roots?: Map<string, LockRoot>;
  /** The position of a JSON path: its key, its value, or the whole `"key": value` property; [] is the opening brace. */
  locate(where: JSONPath, part: 'key' | 'value' | 'property'): Span;
}

export type LockfileResult = { lockfile: Lockfile } | { error: { span: Span; message: string } };

const SPEC_SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];
type Json = Record<string, unknown>;

const KNOWN_VERSIONS = [1, 2, 3];

/**
 * Reads package-lock.json (lockfile version 1, 2 or 3). Lockfiles are large and findings in them rare, so the
 * data comes from JSON.parse and positions from a syntax tree built only when a finding needs one.
 */
export function parseLockfile(file: SourceFile): LockfileResult {
  let data: unknown;
  try {
    data = JSON.parse(file.text);
  } catch {
    data = undefined;
  }
  if (!isObject(data)) {
    const errors: ParseError[] = [];
    parseTree(file.text, errors, { disallowComments: true, allowTrailingComma: false });
    const first = errors[0];
    const span = new LineIndex(file.text).span(first?.offset ?? 0, first?.length ?? 0);
    const detail = first ? `is not valid JSON: ${describeParseError(printParseErrorCode(first.error))} here` : 'does not hold a JSON object';
    return { error: { span, message: `package-lock.json ${detail}; delete it and run npm install to write a new one.` } };
  }
  const version = data['lockfileVersion'];
  if (version !== undefined && !KNOWN_VERSIONS.includes(version as number)) {
    const span = locator(file.text)(['lockfileVersion'], 'value');
    return {
      error: {
        span,
        message:
          `package-lock.json has lockfileVersion ${JSON.stringify(version)}, which is none of ` +
          `npm's (1, 2 or 3); write it again with npm install, or check what wrote this file.`,
      },
    };
  }
  const lockfile: Lockfile = {
    file: file.path,
    version: typeof data['lockfileVersion'] === 'number' ? data['lockfileVersion'] : 1,
    packages: new Map(),
    locate: locator(file.text),
  };
  const packages = data['packages'];
  if (isObject(packages)) {
    lockfile.roots = new Map();
    for (const [path, value] of Object.entries(packages)) {
      if (!isObject(value)) continue;
      const cut = path.lastIndexOf('node_modules/');
      if (cut === -1) lockfile.roots.set(path, { where: ['packages', path], specs: rootSpecs(value, ['packages', path]) });
      else lockfile.packages.set(path, lockPackage(path, path.slice(cut + 'node_modules/'.length), value, ['packages', path]));
    }
  } else {
    readVersion1(data['dependencies'], '', ['dependencies'], lockfile.packages);
  }
  return { lockfile };
}

function lockPackage(path: string, installedAs: string, value: Json, where: JSONPath): LockPackage {
  const entry: LockPackage = { path, name: typeof value['name'] === 'string' ? value['name'] : installedAs, link: value['link'] === true, where };
  if (typeof value['version'] === 'string') entry.version = value['version'];
  if (typeof value['resolved'] === 'string') entry.resolved = value['resolved'];
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

function rootSpecs(value: Json, where: JSONPath): LockRoot['specs'] {
  const specs: LockRoot['specs'] = new Map();
  for (const section of SPEC_SECTIONS) {
    const listed = value[section];
    if (!isObject(listed)) continue;
    for (const [name, spec] of Object.entries(listed)) if (typeof spec === 'string') specs.set(name, { spec, where: [...where, section, name] });
  }
  return specs;
}

/** Builds the syntax tree and line index on the first call only. */
function locator(text: string): Lockfile['locate'] {
  let tree: { root: Node | undefined; lines: LineIndex } | undefined;
  return (where, part) => {
    tree ??= { root: parseTree(text), lines: new LineIndex(text) };
    const value = tree.root === undefined ? undefined : findNodeAtLocation(tree.root, where);
    const property = value?.parent?.type === 'property' ? value.parent : undefined;
    const node = part === 'value' ? value : part === 'key' ? property?.children?.[0] : property;
    return node === undefined ? tree.lines.span(Math.max(0, text.indexOf('{')), 1) : tree.lines.span(node.offset, node.length);
  };
}

/** The package Node would load as `name` from `folder` (relative to the lockfile): the nearest node_modules. */
export function installedFor(lockfile: Lockfile, folder: string, name: string): LockPackage | undefined {
  const parts = folder === '' ? [] : folder.split('/');
  for (let depth = parts.length; depth >= 0; depth--) {
    const base = parts.slice(0, depth).join('/');
    const found = lockfile.packages.get(`${base === '' ? '' : `${base}/`}node_modules/${name}`);
    if (found) return found;
  }
  return undefined;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
