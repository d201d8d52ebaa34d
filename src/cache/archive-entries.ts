import { isAbsolute, posix, relative, resolve, win32 } from 'node:path';

/** One entry of a cache archive, as its tar header gives it. */
export interface ArchiveEntry {
  /** The path the entry would be written to, relative to the workspace. */
  name: string;
  type: string | null | undefined;
  /** A symlink's target, or the archive path a hard link names. */
  linkname?: string | null | undefined;
}

/** The trees a restore may write: each program's node_modules, minus the linked packages the save left out. */
export interface SavedTrees {
  roots: string[];
  excluded: string[];
}

/** The first entry a restore must not write, and why; undefined when every entry is one the save could have taken. */
export interface RefusedEntry {
  name: string;
  reason: string;
}

/**
 * Checks entries one at a time, as the archive is read, and the links among them once it has all been read (a link
 * may come after an entry written through it). `workspace` is where the entries are extracted.
 */
export class ArchiveEntryCheck {
  private readonly symlinks = new Set<string>();
  /** Each entry's parent folders and each hard link's target, checked against the symlinks at the end. */
  private readonly throughPaths: { name: string; path: string }[] = [];

  constructor(
    private readonly saved: SavedTrees,
    private readonly workspace: string,
  ) {}

  /** Why `entry` must not be written, or undefined. */
  add(entry: ArchiveEntry): RefusedEntry | undefined {
    const refuse = (reason: string): RefusedEntry => ({ name: entry.name, reason });
    const name = entryPath(entry.name);
    if (typeof name !== 'string') return refuse(name.reason);
    if (!this.isSaved(name, entry.type === 'directory')) return refuse('outside the node_modules trees the action saves');
    this.throughPaths.push({ name: entry.name, path: name });
    switch (entry.type) {
      case 'file':
      case 'directory':
        return undefined;
      case 'symlink': {
        const problem = linkTargetProblem(name, entry.linkname ?? '', this.workspace);
        if (problem) return refuse(problem);
        this.symlinks.add(name);
        return undefined;
      }
      case 'link': {
        const target = entryPath(entry.linkname ?? '');
        if (typeof target !== 'string' || !this.isSaved(target, false)) return refuse('a hard link to a file outside the node_modules trees');
        // A hard link to an archive path that is itself under a symlink would reach through it.
        this.throughPaths.push({ name: entry.name, path: `${target}/` });
        return undefined;
      }
      default:
        return refuse(`an entry of type ${entry.type ?? 'unknown'}, not a file, folder or symbolic link`);
    }
  }

  /** The first entry written through one of the archive's symlinks, once every entry has been added. */
  finish(): RefusedEntry | undefined {
    for (const [parent, name] of this.parentFolders()) {
      if (this.symlinks.has(parent)) return { name, reason: `written through the symbolic link ${parent}` };
    }
    return undefined;
  }

  /** Each folder an entry is written into (or a hard link reaches through), with the first such entry. */
  parentFolders(): Map<string, string> {
    const parents = new Map<string, string>();
    for (const { name, path } of this.throughPaths) {
      const parts = path.split('/');
      for (let depth = 1; depth < parts.length; depth++) {
        const parent = parts.slice(0, depth).join('/');
        if (!parents.has(parent)) parents.set(parent, name);
      }
    }
    return parents;
  }

  private isSaved(name: string, isDirectory: boolean): boolean {
    const under = (root: string) => name.startsWith(`${root}/`);
    if (this.saved.excluded.some((path) => name === path || under(path))) return false;
    return this.saved.roots.some((root) => under(root) || (isDirectory && name === root));
  }
}

/** The entry's path without `./` parts or a trailing slash; or why it is not a plain relative path. */
function entryPath(name: string): string | { reason: string } {
  if (name === '' || posix.isAbsolute(name) || win32.isAbsolute(name)) return { reason: 'an absolute path' };
  if (name.includes('\\')) return { reason: 'a path with a backslash' };
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) return { reason: 'a path with a ".." component' };
  return parts.join('/');
}

/**
 * Why a symlink at `name` with `target` could lead outside the workspace, or undefined. A relative target may only
 * climb first and then descend (`../packages/app`, as npm links workspace members, `file:` folders and bins): a `..`
 * after a name could climb out of the folder a symlink named before it leads to. Each symlink is checked this way, so
 * following any chain of them stays inside the workspace.
 */
function linkTargetProblem(name: string, target: string, workspace: string): string | undefined {
  const outside = `a symbolic link to ${JSON.stringify(target)}, outside the workspace`;
  if (target === '') return outside;
  if (posix.isAbsolute(target) || win32.isAbsolute(target)) {
    const inside = relative(workspace, resolve(target));
    return target.split(/[\\/]/).includes('..') || inside.startsWith('..') || isAbsolute(inside) ? outside : undefined;
  }
  const parts = target.split(/[\\/]/).filter((part) => part !== '' && part !== '.');
  const climbs = parts.findIndex((part) => part !== '..');
  const up = climbs === -1 ? parts.length : climbs;
  if (parts.slice(up).includes('..')) return `a symbolic link to ${JSON.stringify(target)}, which climbs after descending`;
  // The link's own folder is `name`'s parent: it can climb as far as the workspace, no further.
  return up > name.split('/').length - 1 ? outside : undefined;
}
