import * as path from 'node:path';
import { existsSync } from 'node:fs';

/** pnpm's lockfile, and its own record of what it installed: the layout (.modules.yaml) and the lockfile it installed. */
export const LOCKFILE = 'pnpm-lock.yaml';
export const MODULES_MANIFEST = 'node_modules/.modules.yaml';
export const INSTALLED_LOCKFILE = 'node_modules/.pnpm/lock.yaml';
/** A pnpm workspace's root: its packages, and (pnpm 10) settings that outrank .npmrc and the environment. */
export const WORKSPACE_MANIFEST = 'pnpm-workspace.yaml';

/** Bounds the walk up to a workspace root (a path has far fewer levels). */
const MAX_LEVELS = 64;

/** The folder pnpm takes as a program's workspace root: the nearest one, from `dir` up, holding pnpm-workspace.yaml. */
export function workspaceRootOf(dir: string): string | undefined {
  let current = path.resolve(dir);
  for (let level = 0; level < MAX_LEVELS; level++) {
    if (existsSync(path.join(current, WORKSPACE_MANIFEST))) return current;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
  return undefined;
}

/** Where pnpm keeps a program's lockfile: at its workspace root when it has one, else beside package.json. */
export function lockfileDirOf(dir: string): string {
  return workspaceRootOf(dir) ?? dir;
}

/** pnpm's own install in a program: frozen where it has a lockfile; explicitly not otherwise (CI=true would make it so). */
export function pnpmInstall(dir: string): string {
  return existsSync(path.join(lockfileDirOf(dir), LOCKFILE)) ? 'pnpm install --frozen-lockfile' : 'pnpm install --no-frozen-lockfile';
}
