import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { findNodeAtLocation, getNodeValue, printParseErrorCode, type JSONPath, type ParseError } from 'jsonc-parser';
import { jsonTree, TOO_DEEP } from '../../policy/json-tree.js';
import type { Lockfile, LockfileResult, LockPackage, LockRoot, LockTree } from '../../policy/lockfile.js';
import { describeParseError } from '../../policy/manifest.js';
import { LineIndex } from '../../policy/positions.js';
import type { SourceFile } from '../../policy/types.js';
import { cannotRead, isUrl, lockfileWriter, localTarget, MAX_LOCKFILE_CHARS, readSafely, splitAtName, START } from '../lockfile/text.js';
import { rootSpecs } from '../npm/lockfile.js';
import { readYarnClassic } from '../yarn/lockfile-v1.js';

type Json = Record<string, unknown>;

const BUN = {
  ...lockfileWriter('bun install', 'bun install --frozen-lockfile', 'bunfig.toml ([install.scopes]) or .npmrc'),
  omitsPeersWith: 'bun install --omit=peer (or peer = false under [install] in bunfig.toml)',
};
const REMEDY = 'delete it and run bun install to write a new one';
const PRINT_TIMEOUT_MS = 30_000;

/** Reads bun.lock (text) or bun.lockb (binary, printed by bun) into the policy's model. */
export async function readBunLockfile(file: SourceFile): Promise<LockfileResult> {
  return file.path.endsWith('.lockb') ? await readBinary(file.path) : readSafely(file, REMEDY, () => readText(file));
}

/**
 * bun.lock: JSON with trailing commas. `packages` keys are install paths (`a/b` is a's own node_modules/b, and a
 * workspace's name stands for its folder), each a tuple: `<name>@<version>`, the tarball's URL ('' for the default
 * registry), its dependencies, its integrity; a local package's tuple holds its path in the first.
 */
function readText(file: SourceFile): LockfileResult {
  const errors: ParseError[] = [];
  const root = jsonTree(file.text, errors, { allowTrailingComma: true });
  const lines = new LineIndex(file.text);
  if (root === TOO_DEEP) return cannotRead(file, START, 'it is nested too deeply', REMEDY);
  const first = errors[0];
  if (first !== undefined || root?.type !== 'object') {
    const detail = first ? `it is not valid JSON: ${describeParseError(printParseErrorCode(first.error))} here` : 'it does not hold a JSON object';
    return cannotRead(file, lines.span(first?.offset ?? 0, first?.length ?? 0), detail, REMEDY);
  }
  const data = getNodeValue(root) as Json;
  if (typeof data['lockfileVersion'] !== 'number') return cannotRead(file, START, 'it has no lockfileVersion, so it is no bun lockfile', REMEDY);
  const locate: Lockfile['locate'] = (where, part) => {
    const value = findNodeAtLocation(root, where);
    const property = value?.parent?.type === 'property' ? value.parent : undefined;
    const node = part === 'value' ? value : part === 'key' ? (property?.children?.[0] ?? value) : (property ?? value);
    return node === undefined ? START : lines.span(node.offset, node.length);
  };
  return { lockfile: { file: file.path, writer: BUN, ...bunTree(data), locate } };
}

function bunTree(data: Json): LockTree {
  const tree: LockTree & { roots: Map<string, LockRoot>; installed: Map<string, LockPackage> } = {
    version: data['lockfileVersion'] as number,
    packages: new Map(),
    roots: new Map(),
    installed: new Map(),
  };
  const folderOf = new Map<string, string>();
  for (const [folder, value] of Object.entries(isObject(data['workspaces']) ? data['workspaces'] : {})) {
    if (!isObject(value)) continue;
    if (typeof value['name'] === 'string' && folder !== '') folderOf.set(value['name'], folder);
    tree.roots.set(folder, workspaceRoot(folder, value));
  }
  for (const [key, tuple] of Object.entries(isObject(data['packages']) ? data['packages'] : {})) {
    const entry = Array.isArray(tuple) ? packageEntry(key, tuple) : undefined;
    if (entry === undefined) continue;
    tree.packages.set(key, entry);
    tree.installed.set(installPath(key, folderOf), entry);
  }
  return tree;
}

function workspaceRoot(folder: string, value: Json): LockRoot {
  const where = ['workspaces', folder];
  return { path: folder, link: false, optional: false, where, ...rootSpecs(value, where) };
}

function packageEntry(key: string, tuple: unknown[]): LockPackage | undefined {
  const spec = typeof tuple[0] === 'string' ? splitAtName(tuple[0]) : undefined;
  if (spec === undefined) return undefined;
  const where: JSONPath = ['packages', key];
  const entry: LockPackage = { path: key, name: spec.name, link: false, optional: false, where, fields: { version: [...where, 0] } };
  const local = localTarget(spec.rest);
  if (local !== undefined) Object.assign(entry, { link: true, resolved: local, fields: { resolved: [...where, 0] } });
  else if (isUrl(spec.rest) || /^(?:git|github|ssh)[:+]/.test(spec.rest)) Object.assign(entry, { resolved: spec.rest, fields: { resolved: [...where, 0] } });
  else {
    entry.version = spec.rest;
    entry.fields = { ...entry.fields, resolved: [...where, 1] };
    if (typeof tuple[1] === 'string' && tuple[1] !== '') entry.resolved = tuple[1];
    else entry.fromRegistry = true;
    if (typeof tuple[3] === 'string') entry.integrity = tuple[3];
  }
  return entry;
}

/** `a/@s/b` is node_modules/a/node_modules/@s/b; a workspace's name first stands for the workspace's folder. */
function installPath(key: string, folderOf: Map<string, string>): string {
  const names = key.split('/').reduce<string[]>((all, part) => {
    const last = all[all.length - 1];
    if (last?.startsWith('@') === true && !last.includes('/')) all[all.length - 1] = `${last}/${part}`;
    else all.push(part);
    return all;
  }, []);
  const folder = names.length > 1 ? folderOf.get(names[0]!) : undefined;
  const inFolder = folder === undefined ? names : names.slice(1);
  return `${folder === undefined ? '' : `${folder}/`}node_modules/${inFolder.join('/node_modules/')}`;
}

/**
 * bun.lockb: binary, which only bun reads; `bun <file>` prints it in yarn 1's format. It runs in an empty folder
 * (no bunfig.toml of the program) with only PATH in its environment. Without bun, the check says it skipped the file.
 */
async function readBinary(path: string): Promise<LockfileResult> {
  const name = basename(path);
  const cwd = await mkdtemp(join(tmpdir(), 'bun-lockb-'));
  try {
    const printed = await new Promise<{ stdout: string; error?: Error & { code?: unknown; stderr?: string } }>((resolve) => {
      const env = { PATH: process.env['PATH'] ?? '', HOME: cwd };
      execFile('bun', [path], { cwd, env, timeout: PRINT_TIMEOUT_MS, maxBuffer: MAX_LOCKFILE_CHARS, encoding: 'utf8' }, (error, stdout, stderr) =>
        resolve(error ? { stdout, error: Object.assign(error, { stderr }) } : { stdout }),
      );
    });
    if (printed.error?.code === 'ENOENT')
      return {
        skipped: {
          file: path,
          message:
            `${name} is bun's binary lockfile, which only bun can read, and bun is not on the PATH: lockfile-registry did not check it. ` +
            'Set up bun before this step (oven-sh/setup-bun), or commit a text bun.lock (bun install --save-text-lockfile).',
        },
      };
    if (printed.error !== undefined) {
      const detail = (printed.error.stderr ?? '').trim().split('\n')[0] || printed.error.message;
      return { error: { file: path, span: START, message: `${name} cannot be read: bun could not print it (${detail}); ${REMEDY}.` } };
    }
    const read = readYarnClassic({ path, text: printed.stdout }, BUN, REMEDY);
    // Positions in the printed text are not positions in the binary file: every finding is on the file.
    return 'lockfile' in read
      ? { lockfile: { ...read.lockfile, locate: () => START } }
      : { error: { file: path, span: START, message: `${name} cannot be read: bun printed no lockfile; ${REMEDY}.` } };
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
