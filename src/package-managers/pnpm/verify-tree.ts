import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { parse } from 'yaml';
import { readTextIfExists } from '../../util/files.js';
import type { TreeCheck } from '../types.js';
import { INSTALLED_LOCKFILE, LOCKFILE, lockfileDirOf, MODULES_MANIFEST } from './files.js';

type Yaml = Record<string, unknown>;

/** The sections of package.json pnpm installs, as its lockfile's importers list them. */
const SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;
/** The node_modules layout pnpm 9 and 10 write; another pnpm reinstalls over it. */
const LAYOUT_VERSION = 5;

/**
 * Whether a program's restored node_modules is the tree its pnpm-lock.yaml describes, judged from pnpm's own record:
 * node_modules/.modules.yaml (the layout, and what was left out) and node_modules/.pnpm/lock.yaml (the lockfile it
 * installed), then package.json against the lockfile and its direct dependencies present. The tree works without
 * pnpm's content store: its files are in node_modules/.pnpm. Packages in `links` are left out (re-linked on every
 * run). Never throws: anything unreadable makes the tree not current.
 */
export async function isPnpmTreeCurrent(programDir: string, links: string[] = []): Promise<TreeCheck> {
  try {
    return (await mismatch(programDir, links)) ?? { current: true };
  } catch {
    return { current: false, reason: `pnpm's record of the installed tree cannot be read` };
  }
}

async function mismatch(programDir: string, links: string[]): Promise<TreeCheck | undefined> {
  const root = lockfileDirOf(programDir);
  const read = (file: string) => readTextIfExists(path.join(root, file));
  const [wantedText, installedText, modulesText, manifestText] = await Promise.all([
    read(LOCKFILE),
    read(INSTALLED_LOCKFILE),
    read(MODULES_MANIFEST),
    readTextIfExists(path.join(programDir, 'package.json')),
  ]);
  const files = [
    [LOCKFILE, wantedText],
    [INSTALLED_LOCKFILE, installedText],
    [MODULES_MANIFEST, modulesText],
    ['package.json', manifestText],
  ] as const;
  const absent = files.find(([, text]) => text === undefined);
  if (absent) return notCurrent(`${absent[0]} is missing`);
  const modules = asObject(parse(modulesText!));
  if (modules['layoutVersion'] !== LAYOUT_VERSION)
    return notCurrent(`${MODULES_MANIFEST} records layout ${String(modules['layoutVersion'])}, not ${LAYOUT_VERSION}`);
  const left = Object.entries(asObject(modules['included'])).find(([, included]) => included !== true);
  if (left) return notCurrent(`${MODULES_MANIFEST} records an install without ${left[0]}`);
  if (wantedText !== installedText) {
    const reason = lockfileDifference(wantedText!, installedText!, new Set(asStrings(modules['skipped'])));
    if (reason) return notCurrent(reason);
  }
  const importerKey = path.relative(root, programDir).split(path.sep).join('/') || '.';
  const importer = asObject(asObject(asObject(parse(section(wantedText!, 'importers')))['importers'])[importerKey]);
  const manifestReason = manifestDifference(asObject(JSON.parse(manifestText!)), importer, links);
  if (manifestReason) return notCurrent(manifestReason);
  const direct = SECTIONS.filter((section) => section !== 'optionalDependencies').flatMap((section) => Object.keys(asObject(importer[section])));
  for (const name of direct.filter((name) => !links.includes(name))) {
    const present = await stat(path.join(programDir, 'node_modules', name)).then(
      () => true,
      () => false,
    );
    if (!present) return notCurrent(`node_modules/${name} is in ${LOCKFILE} but missing`);
  }
  return undefined;
}

/** How package.json's dependencies differ from what the lockfile's importer for the program was resolved from. */
function manifestDifference(manifest: Yaml, importer: Yaml, links: string[]): string | undefined {
  const peers = asObject(manifest['peerDependencies']);
  for (const section of SECTIONS) {
    const declared = asObject(manifest[section]);
    // pnpm's auto-install-peers lists the program's own peers among its dependencies.
    const installedPeer = (name: string, specifier: unknown) => !(name in declared) && peers[name] === specifier;
    const specifiers = Object.entries(asObject(importer[section]))
      .map(([name, entry]) => [name, asObject(entry)['specifier']] as const)
      .filter(([name, specifier]) => !installedPeer(name, specifier));
    const listed = (entries: (readonly [string, unknown])[]) => JSON.stringify(entries.filter(([name]) => !links.includes(name)).sort());
    if (listed(specifiers) !== listed(Object.entries(declared))) return `package.json and ${LOCKFILE} list different ${section}`;
  }
  return undefined;
}

/**
 * How the installed lockfile differs from the wanted one, compared as pnpm wrote them (one writer for both): each
 * top-level section, and each entry of `packages` and `snapshots`, as text. Parsing a lockfile of a few hundred
 * packages as YAML takes about a second. The packages pnpm skipped (other platforms) may be absent.
 */
function lockfileDifference(wantedText: string, installedText: string, skipped: Set<string>): string | undefined {
  const wanted = blocks(wantedText);
  const installed = blocks(installedText);
  for (const [key, text] of wanted) {
    if (installed.get(key) === text) continue;
    const entry = key.split('\n')[1];
    if (!installed.has(key) && entry !== undefined && (skipped.has(entry) || skipped.has(`/${entry}`))) continue;
    return entry === undefined
      ? `${INSTALLED_LOCKFILE} differs from ${LOCKFILE} in "${key}"`
      : `${entry} is ${installed.has(key) ? 'installed other than' : 'not installed as'} ${LOCKFILE} describes`;
  }
  const extra = [...installed.keys()].find((key) => !wanted.has(key));
  return extra === undefined ? undefined : `${extra.replace('\n', ' ')} is installed but not in ${LOCKFILE}`;
}

/** The lockfile's top-level sections by name, `packages` and `snapshots` split into entries (`packages\n<key>`). */
function blocks(text: string): Map<string, string> {
  const found = new Map<string, string>();
  let key = '';
  let section = '';
  for (const line of text.split(/\r?\n/)) {
    const top = /^([^\s#][^:]*):/.exec(line);
    const entry = (section === 'packages' || section === 'snapshots') && /^ {2}(\S[^\n]*?):(?: |$)/.exec(line);
    if (top) key = section = top[1]!;
    else if (entry) key = `${section}\n${entry[1]!.replace(/^(['"])(.*)\1$/, '$2')}`;
    found.set(key, `${found.get(key) ?? ''}${line}\n`);
  }
  return found;
}

/** The text of one top-level section of a lockfile (`importers:` and what is indented under it), for YAML. */
function section(text: string, name: string): string {
  const start = text.search(new RegExp(`^${name}:`, 'm'));
  if (start === -1) return '';
  const body = text.indexOf('\n', start) + 1;
  const end = body === 0 ? -1 : text.slice(body).search(/^\S/m);
  return text.slice(start, end === -1 ? undefined : body + end);
}

function notCurrent(reason: string): TreeCheck {
  return { current: false, reason };
}

function asObject(value: unknown): Yaml {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Yaml) : {};
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
