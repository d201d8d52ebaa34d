import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { BINARY_LOCKFILE, LOCKFILE, MIGRATED_LOCKFILES } from './files.js';

/**
 * bun's own install in a program: frozen when it has a lockfile bun reads (its own, or one it migrates from, which
 * frozen it does not save as bun.lock), so the lockfile stays as it is; plain `bun install` writes bun.lock otherwise.
 */
export function ownBunInstall(programDir: string): string {
  const locked = [LOCKFILE, BINARY_LOCKFILE, ...MIGRATED_LOCKFILES].some((name) => existsSync(path.join(programDir, name)));
  return locked ? 'bun install --frozen-lockfile' : 'bun install';
}
