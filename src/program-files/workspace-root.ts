import * as path from 'node:path';
import { packageFolderOf } from './program-folder.js';
import { workspaceMemberFolders } from './read.js';

/** Bounds the walk up from a program to its workspace root (a path has far fewer levels). */
const MAX_LEVELS_UP = 64;

/** Where a program's package is installed, as its package manager decides. */
export interface WorkspaceRoot {
  /** Absolute: the workspace root that lists the package as a member, else the package's own folder. */
  dir: string;
  /** Every member folder that root lists (absolute, sorted); [] for a package on its own. */
  members: string[];
}

/**
 * The workspace roots of the programs of one workspace (the checkout). A program's root is the nearest folder at or
 * above its package folder (its package.json's, found up the tree as Pulumi does) whose workspace patterns
 * (pnpm-workspace.yaml's `packages`, else package.json's `workspaces`) list it, as npm, yarn, bun and pnpm find
 * theirs; a package that is a workspace root itself is its own; else its own package folder. Each folder's patterns
 * are read and matched once per lookup, however many programs share them.
 */
export function workspaceRoots(workspace: string): (programDir: string) => Promise<WorkspaceRoot> {
  const top = path.resolve(workspace);
  const listed = new Map<string, Promise<string[] | undefined>>();
  const membersOf = (folder: string) => {
    let found = listed.get(folder);
    if (!found) listed.set(folder, (found = workspaceMemberFolders(folder)));
    return found;
  };
  return async (programDir) => {
    const own = packageFolderOf(programDir, top) ?? path.resolve(programDir);
    let folder = own;
    for (let level = 0; level < MAX_LEVELS_UP; level++) {
      const members = await membersOf(folder);
      if (members && (folder === own || members.includes(own))) return { dir: folder, members };
      const parent = path.dirname(folder);
      if (folder === top || parent === folder || !(parent === top || parent.startsWith(top + path.sep))) break;
      folder = parent;
    }
    return { dir: own, members: [] };
  };
}
