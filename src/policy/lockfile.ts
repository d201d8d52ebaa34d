import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
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
  span: Span;
  versionSpan?: Span;
  resolvedSpan?: Span;
}

/** What the lockfile recorded of one package.json (the root's or a workspace's): its specs by package name. */
export interface LockRoot {
  span: Span;
  specs: Map<string, { spec: string; span: Span }>;
}

export interface Lockfile {
  file: string;
  version: number;
  /** By install path. */
  packages: Map<string, LockPackage>;
  /** By folder relative to the lockfile ('' for the root); absent in lockfile version 1, which keeps no copy. */
  roots?: Map<string, LockRoot>;
  rootSpan: Span;
}

export type LockfileResult = { lockfile: Lockfile } | { error: { span: Span; message: string } };

const SPEC_SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];

/** Reads package-lock.json (lockfile version 1, 2 or 3) with the position of every entry. */
export function parseLockfile(file: SourceFile): LockfileResult {
  const lines = new LineIndex(file.text);
  const errors: ParseError[] = [];
  const root = parseTree(file.text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0 || root?.type !== 'object') {
    const first = errors[0];
    const span = first ? lines.span(first.offset, first.length) : lines.span(0, 0);
    const detail = first ? printParseErrorCode(first.error) : 'not a JSON object';
    return { error: { span, message: `package-lock.json cannot be read (${detail}); delete it and run npm install to write a new one.` } };
  }
  const spanOf = (node: Node): Span => lines.span(node.offset, node.length);
  const versionNode = findNodeAtLocation(root, ['lockfileVersion']);
  const version = typeof versionNode?.value === 'number' ? versionNode.value : 1;
  const packagesNode = findNodeAtLocation(root, ['packages']);
  const lockfile: Lockfile = { file: file.path, version, packages: new Map(), rootSpan: lines.span(root.offset, 1) };
  if (packagesNode?.type === 'object') {
    lockfile.roots = new Map();
    for (const property of packagesNode.children ?? []) {
      const [key, value] = property.children ?? [];
      if (key === undefined || value?.type !== 'object') continue;
      const path = String(key.value);
      const cut = path.lastIndexOf('node_modules/');
      if (cut === -1) {
        lockfile.roots.set(path, { span: spanOf(key), specs: rootSpecs(value, spanOf) });
        continue;
      }
      lockfile.packages.set(path, lockPackage(path, path.slice(cut + 'node_modules/'.length), value, spanOf(key), spanOf));
    }
  } else {
    readVersion1(findNodeAtLocation(root, ['dependencies']), '', lockfile.packages, spanOf);
  }
  return { lockfile };
}

function lockPackage(path: string, installedAs: string, value: Node, span: Span, spanOf: (node: Node) => Span): LockPackage {
  const field = (name: string): Node | undefined => findNodeAtLocation(value, [name]);
  const realName = field('name');
  const entry: LockPackage = { path, name: typeof realName?.value === 'string' ? realName.value : installedAs, link: field('link')?.value === true, span };
  const versionNode = field('version');
  if (typeof versionNode?.value === 'string') Object.assign(entry, { version: versionNode.value, versionSpan: spanOf(versionNode) });
  const resolvedNode = field('resolved');
  if (typeof resolvedNode?.value === 'string') Object.assign(entry, { resolved: resolvedNode.value, resolvedSpan: spanOf(resolvedNode) });
  return entry;
}

/** Version 1 nests `dependencies` by install path; an alias's version reads `npm:<name>@<version>`. */
function readVersion1(node: Node | undefined, prefix: string, out: Map<string, LockPackage>, spanOf: (node: Node) => Span): void {
  if (node?.type !== 'object') return;
  for (const property of node.children ?? []) {
    const [key, value] = property.children ?? [];
    if (key === undefined || value?.type !== 'object') continue;
    const installedAs = String(key.value);
    const path = `${prefix}node_modules/${installedAs}`;
    const entry = lockPackage(path, installedAs, value, spanOf(key), spanOf);
    const alias = /^npm:(@?[^@]+)@(.+)$/.exec(entry.version ?? '');
    if (alias) Object.assign(entry, { name: alias[1], version: alias[2] });
    if (entry.version?.startsWith('file:')) entry.link = true;
    out.set(path, entry);
    readVersion1(findNodeAtLocation(value, ['dependencies']), `${path}/`, out, spanOf);
  }
}

function rootSpecs(value: Node, spanOf: (node: Node) => Span): LockRoot['specs'] {
  const specs: LockRoot['specs'] = new Map();
  for (const section of SPEC_SECTIONS) {
    for (const property of findNodeAtLocation(value, [section])?.children ?? []) {
      const [key, spec] = property.children ?? [];
      if (key !== undefined && typeof spec?.value === 'string') specs.set(String(key.value), { spec: spec.value, span: spanOf(property) });
    }
  }
  return specs;
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
