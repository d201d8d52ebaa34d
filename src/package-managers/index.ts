import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { bun } from './bun/index.js';
import { npm } from './npm/index.js';
import { pnpm } from './pnpm/index.js';
import type { ManagerName, PackageManager } from './types.js';
import { yarn } from './yarn/index.js';

/** The package managers the action knows, one row each; the first is Pulumi's default, for programs with no lockfile. */
export const PACKAGE_MANAGERS: readonly PackageManager[] = [npm, pnpm, yarn, bun];

/** The order Pulumi's Node.js language host looks for lockfiles in, when nothing declares a manager. */
const LOCKFILE_ORDER: readonly ManagerName[] = ['pnpm', 'yarn', 'bun', 'npm'];

export function managerNamed(name: ManagerName): PackageManager {
  return PACKAGE_MANAGERS.find((manager) => manager.name === name)!;
}

/** The first lockfile in `dir`, in Pulumi's order, and the manager that reads it. */
export function lockfileIn(dir: string): { manager: PackageManager; file: string } | undefined {
  for (const manager of LOCKFILE_ORDER.map(managerNamed)) {
    const name = manager.lockfiles.find((candidate) => existsSync(join(dir, candidate)));
    if (name) return { manager, file: join(dir, name) };
  }
  return undefined;
}

/** The manager whose lockfile `file` is, by its name. */
export function lockfileManager(file: string): PackageManager | undefined {
  const name = basename(file);
  return PACKAGE_MANAGERS.find((manager) => manager.lockfiles.includes(name));
}

/** Every file a manager's install may write in a program, for the user-files snapshot. */
export const WRITTEN_FILES: readonly string[] = [...new Set(PACKAGE_MANAGERS.flatMap((manager) => manager.writes))];

export type * from './types.js';
