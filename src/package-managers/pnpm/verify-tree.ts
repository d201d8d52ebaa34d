import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
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
    return { current: true, ...(await mismatch(programDir, links)) };
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
  const missing = [
    [LOCKFILE, wantedText],
    [INSTALLED_LOCKFILE, installedText],
    [MODULES_MANIFEST, modulesText],
    ['package.json', manifestText],
  ] as const;
  const absent = missing.find(([, text]) => text === undefined);
  if (absent) return notCurrent(`${absent[0]} is missing`);
  const modules = asObject(parse(modulesText!));
  if (modules['layoutVersion'] !== LAYOUT_VERSION)
    return notCurrent(`${MODULES_MANIFEST} records layout ${String(modules['layoutVersion'])}, not ${LAYOUT_VERSION}`);
  const left = Object.entries(asObject(modules['included'])).find(([, included]) => included !== true);
  if (left) return notCurrent(`${MODULES_MANIFEST} records an install without ${left[0]}`);
  const wanted = asObject(parse(wantedText!));
  if (wantedText !== installedText) {
    const reason = lockfileDifference(wanted, asObject(parse(installedText!)), new Set(asStrings(modules['skipped'])));
    if (reason) return notCurrent(reason);
  }
  const importerKey = path.relative(root, programDir).split(path.sep).join('/') || '.';
  const importer = asObject(asObject(wanted['importers'])[importerKey]);
  const manifest = asObject(JSON.parse(manifestText!));
  for (const section of SECTIONS) {
    const specifiers = Object.entries(asObject(importer[section])).map(([name, entry]) => [name, asObject(entry)['specifier']]);
    const declared = Object.entries(asObject(manifest[section]));
    const outside = (entries: unknown[][]) => JSON.stringify(entries.filter(([name]) => !links.includes(name as string)).sort());
    if (outside(specifiers) !== outside(declared)) return notCurrent(`package.json and ${LOCKFILE} list different ${section}`);
  }
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

/** How the installed lockfile differs from the wanted one; the packages pnpm skipped (other platforms) may be absent. */
function lockfileDifference(wanted: Yaml, installed: Yaml, skipped: Set<string>): string | undefined {
  for (const key of new Set([...Object.keys(wanted), ...Object.keys(installed)])) {
    if (key === 'packages' || key === 'snapshots') continue;
    if (!isDeepStrictEqual(wanted[key], installed[key])) return `${INSTALLED_LOCKFILE} differs from ${LOCKFILE} in "${key}"`;
  }
  for (const key of ['packages', 'snapshots']) {
    const want = asObject(wanted[key]);
    const have = asObject(installed[key]);
    const absent = Object.keys(want).find((name) => !(name in have) && !skipped.has(name) && !skipped.has(`/${name}`));
    if (absent) return `${absent} is in ${LOCKFILE} but not installed`;
    const other = Object.keys(have).find((name) => !isDeepStrictEqual(want[name], have[name]));
    if (other) return `${other} is installed ${other in want ? 'other than' : 'but not in'} ${LOCKFILE}${other in want ? ' describes' : ''}`;
  }
  return undefined;
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
