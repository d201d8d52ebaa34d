import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ActionError } from '../../util/errors.js';
import { readPackageManifest, readTextIfExists } from '../../util/files.js';
import { symlinkPackage, verifyLinks } from '../npm/link.js';
import type { VerifiedLink } from '../types.js';
import { INSTALLED_LOCKFILE, LOCKFILE, lockfileDirOf } from './files.js';

/**
 * Links each package into a program as `npm link` does: node_modules/<name> → its global link in npm's global folder,
 * its executables into node_modules/.bin. Not `pnpm link`: it writes `overrides` into pnpm-workspace.yaml and a `link:`
 * dependency into package.json (the user's files, and a lockfile a frozen install then refuses). A package under
 * node_modules/.pnpm that takes the linked package as a peer finds it by walking up to node_modules.
 */
export async function linkIntoTree(programDir: string, links: string[], globalFolder: string): Promise<void> {
  for (const name of links) {
    const target = path.join(globalFolder, name);
    await symlinkPackage(path.join(programDir, 'node_modules', name), target);
    for (const [command, file] of executablesOf(name, (await readPackageManifest(target))?.bin)) {
      const entry = path.join(programDir, 'node_modules', '.bin', command);
      await fs.mkdir(path.dirname(entry), { recursive: true });
      await fs.rm(entry, { force: true });
      await fs.symlink(path.relative(path.dirname(entry), path.join(target, file)), entry);
    }
  }
}

/** package.json's `bin`: one file under the package's own name, or a map of command names to files. */
function executablesOf(name: string, bin: unknown): [string, string][] {
  if (typeof bin === 'string') return [[name.replace(/^@[^/]+\//, ''), bin]];
  if (typeof bin !== 'object' || bin === null) return [];
  // Only plain names: a command named "../x" would write outside node_modules/.bin.
  return Object.entries(bin).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && /^[\w.-]+$/.test(entry[0]) && entry[0] !== '..');
}

/**
 * Fails when a pnpm lockfile installs a package to link from a registry (pnpm's default `auto-install-peers` resolves
 * a `pulumi` peer so): a frozen install would fetch it, and packages that take it as a peer would use that copy.
 */
export function refuseRegistryCopies(lockfileText: string, subject: string, links: string[]): void {
  const copied = links.find((name) => installsFromRegistry(lockfileText, name));
  if (copied === undefined) return;
  throw new ActionError(
    `${subject} installs "${copied}" from a registry, but input "link" links it: remove "${copied}" from dependencies, ` +
      `then run "pnpm install --config.auto-install-peers=false" (or set auto-install-peers=false in .npmrc) and commit the ${LOCKFILE} it writes.`,
  );
}

/** A `packages:` entry of the lockfile for `name` (`name@1.0.0:`, quoted or not; lockfile v6 keys start with `/`). */
function installsFromRegistry(lockfileText: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^ {2}['"]?/?${escaped}@`, 'm').test(lockfileText);
}

/** Each linked package is a link (as npm's check), and the tree pnpm installed holds no registry copy of it. */
export async function verifyPnpmLinks(programDir: string, where: string, links: string[]): Promise<VerifiedLink[]> {
  if (!links.length) return [];
  const installed = await readTextIfExists(path.join(lockfileDirOf(programDir), INSTALLED_LOCKFILE)).catch(() => undefined);
  if (installed !== undefined) refuseRegistryCopies(installed, `The tree pnpm installed in ${where}`, links);
  return verifyLinks(programDir, where, links, 'the install and its links');
}
