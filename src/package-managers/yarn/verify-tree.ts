import { access, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import YAML from 'yaml';
import type { TreeCheck } from '../types.js';
import { classicLockfileEntries } from './classic-lockfile.js';
import { BERRY_STATE, CLASSIC_INTEGRITY, isBerryLockfile, LOCKFILE } from './files.js';

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;

/**
 * Whether a restored node_modules is the tree yarn.lock describes, from yarn's own record of what it installed: yarn
 * 1's node_modules/.yarn-integrity (the lockfile entries and package.json's patterns it installed) or yarn 2+'s
 * node_modules/.yarn-state.yml (every package and its folders), whichever yarn.lock's format calls for. Packages in
 * `links` are left out (linked again on every run). Never throws: anything unreadable makes the tree not current.
 */
export async function isInstalledTreeCurrent(programDir: string, links: string[] = []): Promise<TreeCheck> {
  const read = (file: string) => readFile(path.join(programDir, file), 'utf8');
  try {
    const lockfile = await read(LOCKFILE);
    const dependencies = declaredDependencies(JSON.parse(await read('package.json')) as Record<string, unknown>, links);
    const berry = isBerryLockfile(lockfile);
    const recordFile = berry ? BERRY_STATE : CLASSIC_INTEGRITY;
    const record = await read(recordFile).catch(() => undefined);
    if (record === undefined) return { current: false, reason: `${recordFile} is missing` };
    const check = berry ? berryRecord(lockfile, record, dependencies) : classicRecord(lockfile, record, dependencies);
    if (typeof check === 'string') return { current: false, reason: check };
    const present = await Promise.all(
      check.map((folder) =>
        access(path.join(programDir, folder)).then(
          () => true,
          () => false,
        ),
      ),
    );
    const missing = check[present.indexOf(false)];
    return missing === undefined ? { current: true } : { current: false, reason: `${missing} is recorded as installed but is missing` };
  } catch (error) {
    return { current: false, reason: `${LOCKFILE}, package.json or yarn's record of the tree cannot be read (${(error as Error).message})` };
  }
}

/** package.json's dependencies, name → range, the linked packages left out. */
function declaredDependencies(manifest: Record<string, unknown>, links: string[]): Map<string, string> {
  const declared = new Map<string, string>();
  for (const field of DEPENDENCY_FIELDS) {
    const entries = manifest[field];
    if (typeof entries !== 'object' || entries === null) continue;
    for (const [name, range] of Object.entries(entries)) if (!links.includes(name)) declared.set(name, String(range));
  }
  return declared;
}

/** Yarn 1: the folders to find, or why the record is not the lockfile's tree (yarn's own integrity check, less the Node.js ABI). */
function classicRecord(lockfile: string, integrityText: string, dependencies: Map<string, string>): string[] | string {
  const integrity = JSON.parse(integrityText) as { topLevelPatterns?: unknown; lockfileEntries?: unknown };
  const patterns = [...dependencies].map(([name, range]) => `${name}@${range}`).sort();
  const installedPatterns = Array.isArray(integrity.topLevelPatterns) ? integrity.topLevelPatterns.map(String).sort() : [];
  if (patterns.join('\n') !== installedPatterns.join('\n')) return `the dependencies of package.json are not the ones ${CLASSIC_INTEGRITY} records`;
  const expected = classicLockfileEntries(lockfile);
  const installed = new Map(Object.entries((integrity.lockfileEntries ?? {}) as Record<string, unknown>));
  const differing = [...new Set([...expected.keys(), ...installed.keys()])].find((pattern) => expected.get(pattern) !== installed.get(pattern));
  if (differing !== undefined) return `${LOCKFILE}'s entry ${differing} is not the one ${CLASSIC_INTEGRITY} records`;
  return [...dependencies.keys()].map((name) => `node_modules/${name}`);
}

/** Yarn 2+: the folders to find, or why the record is not the lockfile's tree. */
function berryRecord(lockfile: string, stateText: string, dependencies: Map<string, string>): string[] | string {
  const locked = YAML.parse(lockfile) as Record<string, { resolution?: string; dependencies?: Record<string, string> }>;
  const state = YAML.parse(stateText) as Record<string, { locations?: string[] }>;
  const resolutions = new Set(Object.entries(locked).flatMap(([key, entry]) => (key === '__metadata' || !entry.resolution ? [] : [entry.resolution])));
  // A package with peer dependencies is recorded once per set of peers, as a virtual locator of the locked one.
  const installed = new Set(Object.keys(state).flatMap((key) => (key === '__metadata' ? [] : [key.replace(/@virtual:[^#]+#/, '@')])));
  const missing = [...resolutions].find((resolution) => !installed.has(resolution));
  if (missing) return `${LOCKFILE}'s ${missing} is not in ${BERRY_STATE}`;
  const extra = [...installed].find((locator) => !resolutions.has(locator));
  if (extra) return `${BERRY_STATE} records ${extra}, which ${LOCKFILE} does not hold`;
  const root = Object.values(locked).find((entry) => entry.resolution?.endsWith('@workspace:.'));
  const declared = [...dependencies].map(([name, range]) => `${name}@${/^[a-z]+:/.test(range) ? range : `npm:${range}`}`);
  const lockedRoot = new Set(Object.entries(root?.dependencies ?? {}).map(([name, range]) => `${name}@${range}`));
  const changed = declared.find((dependency) => !lockedRoot.has(dependency));
  if (changed) return `package.json declares ${changed}, which ${LOCKFILE} does not lock`;
  return Object.entries(state).flatMap(([key, entry]) => (key === '__metadata' ? [] : (entry.locations ?? []).filter(Boolean)));
}
