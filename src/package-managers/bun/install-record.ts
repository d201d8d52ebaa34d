import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { TreeCheck } from '../types.js';
import { BINARY_LOCKFILE, INSTALL_RECORD, LOCKFILE } from './files.js';

/** What the action records of a tree bun installed: the files it was installed from, and its top-level packages. */
interface InstallRecord {
  lockfile: string;
  lockfileSha256: string;
  packageJsonSha256: string;
  /** node_modules' entries (scoped ones as `@scope/name`), the linked packages left out. */
  packages: string[];
}

/**
 * Records, in node_modules, the lockfile and package.json the tree was installed from: bun keeps no such record
 * itself (measured with bun 1.4: node_modules holds the packages alone), and the cache needs one to skip the install.
 */
export async function writeInstallRecord(programDir: string, links: string[]): Promise<void> {
  const sources = await installSources(programDir);
  if (!sources) return;
  const packages = (await topLevelPackages(programDir)).filter((name) => !links.includes(name));
  const record: InstallRecord = { ...sources, packages };
  await writeFile(path.join(programDir, INSTALL_RECORD), `${JSON.stringify(record, null, 2)}\n`);
}

/**
 * Whether the restored node_modules is the tree bun installed from the program's lockfile and package.json as they
 * are now, with every package it held still there. Never throws: anything unreadable makes the tree not current.
 */
export async function isInstalledTreeCurrent(programDir: string, links: string[]): Promise<TreeCheck> {
  const [sources, record] = await Promise.all([installSources(programDir).catch(() => undefined), readRecord(programDir)]);
  if (!sources) return { current: false, reason: `neither ${LOCKFILE} nor ${BINARY_LOCKFILE} is there` };
  if (!record) return { current: false, reason: `${INSTALL_RECORD} is missing or unreadable` };
  if (record.lockfile !== sources.lockfile || record.lockfileSha256 !== sources.lockfileSha256) {
    return { current: false, reason: `it was installed from another ${sources.lockfile}` };
  }
  if (record.packageJsonSha256 !== sources.packageJsonSha256) return { current: false, reason: 'it was installed from another package.json' };
  const present = new Set(await topLevelPackages(programDir));
  const missing = record.packages.find((name) => !links.includes(name) && !present.has(name));
  return missing === undefined ? { current: true } : { current: false, reason: `node_modules/${missing} is recorded as installed but is missing` };
}

async function installSources(programDir: string): Promise<Omit<InstallRecord, 'packages'> | undefined> {
  for (const lockfile of [LOCKFILE, BINARY_LOCKFILE]) {
    const bytes = await readFile(path.join(programDir, lockfile)).catch(() => undefined);
    if (!bytes) continue;
    const packageJson = await readFile(path.join(programDir, 'package.json'));
    return { lockfile, lockfileSha256: sha256(bytes), packageJsonSha256: sha256(packageJson) };
  }
  return undefined;
}

async function readRecord(programDir: string): Promise<InstallRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(path.join(programDir, INSTALL_RECORD), 'utf8')) as Partial<InstallRecord>;
    const strings = [record.lockfile, record.lockfileSha256, record.packageJsonSha256].every((value) => typeof value === 'string');
    return strings && Array.isArray(record.packages) && record.packages.every((name) => typeof name === 'string') ? (record as InstallRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** node_modules' packages, scoped ones as `@scope/name`; hidden entries (.bin, .bun, .cache, the record) left out. */
async function topLevelPackages(programDir: string): Promise<string[]> {
  const nodeModules = path.join(programDir, 'node_modules');
  const entries = await readdir(nodeModules).catch(() => [] as string[]);
  const names = await Promise.all(
    entries
      .filter((entry) => !entry.startsWith('.'))
      .map(async (entry) =>
        entry.startsWith('@') ? (await readdir(path.join(nodeModules, entry)).catch(() => [] as string[])).map((name) => `${entry}/${name}`) : [entry],
      ),
  );
  return names.flat().sort();
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
