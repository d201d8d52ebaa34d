import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bun } from './bun/index.js';
import { npm } from './npm/index.js';
import { pnpm } from './pnpm/index.js';
import { yarn } from './yarn/index.js';
import type { PackageManager } from './types.js';

/** The package managers the action knows, one row each; the first is Pulumi's default, for programs with no lockfile. */
export const PACKAGE_MANAGERS: readonly PackageManager[] = [npm, pnpm, yarn, bun];

/** The manager of the programs in `programDirs`: the one whose lockfile the first program that has one holds. */
export function packageManagerOf(programDirs: string[]): PackageManager {
  for (const dir of programDirs) {
    const found = PACKAGE_MANAGERS.find((manager) => manager.lockfiles.some((name) => existsSync(join(dir, name))));
    if (found) return found;
  }
  return PACKAGE_MANAGERS[0]!;
}

/** Every file a manager's install may write in a program, for the user-files snapshot. */
export const WRITTEN_FILES: readonly string[] = [...new Set(PACKAGE_MANAGERS.flatMap((manager) => manager.writes))];

export type * from './types.js';
