import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { ManagerChoice } from '../../package-managers/detect.js';
import type { CachedInstall } from '../../cache/index.js';
import { managerNamed, type ManagerName } from '../../package-managers/index.js';
import { readCacheKeyFiles } from '../../program-files/read.js';
import { workspaceRoots } from '../../program-files/workspace-root.js';
import { ActionError } from '../../util/errors.js';
import { folderName } from '../../util/folder-name.js';

/** Where one install runs, and the programs it serves. */
export interface InstallRoot {
  /** Absolute: the workspace root that lists the programs as members, else the program's own package folder. */
  dir: string;
  /** The manager that installs there: the one its programs' choices agree on. */
  manager: ManagerName;
  /** The lockfile it installs from: the manager's own in `dir`, else the one its first program's choice found. */
  lockfile: string | undefined;
  /** Indexes into the working directories (and their choices), in the input's order. */
  programs: number[];
  /** Every member folder the workspace lists (absolute, sorted): their node_modules are part of the tree. [] for a lone program. */
  members: string[];
}

/**
 * Groups the programs by install root (program-files/workspace-root.ts: the workspace root that lists the program,
 * else its own package folder), in the order of each root's first program. Programs of one root must agree on the
 * manager: one install serves them all.
 */
export async function installRootsOf(programDirs: string[], choices: ManagerChoice[], workspace: string): Promise<InstallRoot[]> {
  const rootOf = workspaceRoots(workspace);
  const roots = new Map<string, InstallRoot>();
  for (const [index, programDir] of programDirs.entries()) {
    const { dir, members } = await rootOf(programDir);
    const manager = choices[index]!.name;
    const root = roots.get(dir);
    if (!root) {
      const lockfile =
        managerNamed(manager)
          .lockfiles.map((name) => path.join(dir, name))
          .find((file) => existsSync(file)) ?? choices[index]!.lockfile;
      roots.set(dir, { dir, manager, lockfile, programs: [index], members });
      continue;
    }
    if (root.manager !== manager) {
      const first = programDirs[root.programs[0]!]!;
      throw new ActionError(
        `${folderName(workspace, first)} and ${folderName(workspace, programDir)} are installed together at ${folderName(workspace, dir)}, ` +
          `but use different package managers (${root.manager}, ${manager}): ` +
          'make them agree (runtime.options.packagemanager, "packageManager", or the lockfile).',
      );
    }
    root.programs.push(index);
  }
  return [...roots.values()];
}

/** What the cache key reads of an install: the root's package.json and lockfile, each member's package.json. */
export function installFiles(root: InstallRoot): Omit<CachedInstall, 'manager'> | undefined {
  const files = readCacheKeyFiles(root.dir, root.lockfile);
  return files && { ...files, members: root.members.flatMap((member) => readCacheKeyFiles(member, undefined) ?? []) };
}
