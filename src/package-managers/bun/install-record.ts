import { createHash } from 'node:crypto';
import { parse } from 'jsonc-parser';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { TreeCheck } from '../types.js';
import { firstMissing } from '../npm/verify-tree.js';
import { BINARY_LOCKFILE, INSTALL_RECORD, LOCKFILE } from './files.js';

/** What the action records of a tree bun installed: the files it was installed from, and its top-level packages. */
interface InstallRecord {
  lockfile: string;
  lockfileSha256: string;
  packageJsonSha256: string;
  /**
   * The packages bun put in place, as paths relative to the program: node_modules' entries (scoped ones as
   * `node_modules/@scope/name`, the linked packages left out), the isolated linker's store (node_modules/.bun), and
   * each workspace member's node_modules (where the isolated linker puts its dependencies' links).
   */
  packages: string[];
}

/**
 * Records, in node_modules, the lockfile and package.json the tree was installed from: bun keeps no such record
 * itself (measured with bun 1.4: node_modules holds the packages alone), and the cache needs one to skip the install.
 */
export async function writeInstallRecord(programDir: string, links: string[]): Promise<void> {
  const sources = await installSources(programDir);
  if (!sources) return;
  const linked = linkedEntries(links);
  const folders = ['node_modules', 'node_modules/.bun', ...(await workspaceMembers(programDir)).map((member) => `${member}/node_modules`)];
  const packages = (await Promise.all(folders.map((folder) => packagesIn(programDir, folder)))).flat().filter((entry) => !linked.has(entry));
  const record: InstallRecord = { ...sources, packages };
  // A program without dependencies gets no node_modules from bun.
  await mkdir(path.join(programDir, 'node_modules'), { recursive: true });
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
  const linked = linkedEntries(links);
  const missing = await firstMissing(
    programDir,
    record.packages.filter((entry) => !linked.has(entry)),
  );
  return missing === undefined ? { current: true } : { current: false, reason: `${missing} is recorded as installed but is missing` };
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

/** The packages in a node_modules folder (relative to the program), scoped ones as `@scope/name`; hidden entries left out. */
async function packagesIn(programDir: string, folder: string): Promise<string[]> {
  const names = async (relative: string) =>
    (await readdir(path.join(programDir, relative)).catch(() => [] as string[])).filter((name) => !name.startsWith('.'));
  const entries = await Promise.all(
    (await names(folder)).map(async (entry) =>
      entry.startsWith('@') ? (await names(`${folder}/${entry}`)).map((name) => `${folder}/${entry}/${name}`) : [`${folder}/${entry}`],
    ),
  );
  return entries.flat();
}

/** The workspace members bun.lock lists (their folders, relative to the program); none for bun.lockb, which is binary. */
async function workspaceMembers(programDir: string): Promise<string[]> {
  const text = await readFile(path.join(programDir, LOCKFILE), 'utf8').catch(() => '');
  const workspaces = (parse(text, [], { allowTrailingComma: true }) as { workspaces?: unknown } | undefined)?.workspaces;
  if (typeof workspaces !== 'object' || workspaces === null) return [];
  return Object.keys(workspaces).filter((member) => member !== '' && !member.split('/').includes('..'));
}

/** The linked packages' entries: re-linked on every run, never part of what bun installed. */
function linkedEntries(links: string[]): Set<string> {
  return new Set(links.map((name) => `node_modules/${name}`));
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
