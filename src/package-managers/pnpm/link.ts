import * as path from 'node:path';
import { ActionError } from '../../util/errors.js';
import { readTextIfExists } from '../../util/files.js';
import { verifyLinks } from '../npm/link.js';
import type { VerifiedLink } from '../types.js';
import { INSTALLED_LOCKFILE, LOCKFILE, lockfileDirOf } from './files.js';

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
