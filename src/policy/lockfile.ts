import type { JSONPath } from 'jsonc-parser';
import type { Span } from './positions.js';
import type { InstalledSection } from './sections.js';

// The one model of a lockfile the rules read, whichever package manager wrote it: each manager's folder under
// src/package-managers/ reads its own format into it, and the edge hands it to the engine.

/** One entry of a lockfile: an installed package, or a package folder (the program's, a workspace's). */
export interface LockEntry {
  /** Its key: an install path (`node_modules/@pulumi/aws`), or a package folder ('' for the root, or a workspace's). */
  path: string;
  version?: string;
  resolved?: string;
  integrity?: string;
  /** True for a symbolic link (a linked package, a workspace, a `file:` directory). */
  link: boolean;
  /** The manager may leave it out (an optional dependency, maybe for another platform). */
  optional: boolean;
  /** Where the entry is in the lockfile, as a path into its document (for `locate`). */
  where: JSONPath;
}

/** One installed package, at an install path such as `node_modules/@pulumi/aws` or `packages/app/node_modules/@pulumi/aws`. */
export interface LockPackage extends LockEntry {
  /** The package's real name (an `npm:` alias's target when aliased). */
  name: string;
}

/** A spec the lockfile copied from a package.json. */
export interface LockSpec {
  spec: string;
  where: JSONPath;
}

/** The lockfile's copy of one package.json (the root's or a workspace's). */
export interface LockRoot extends LockEntry {
  /** Its specs by package name, over all sections (a later section's wins, as in the managers' own merge). */
  specs: Map<string, LockSpec>;
  /** Its specs section by section, as package.json lists them. */
  sections: Map<InstalledSection, Map<string, string>>;
}

/** The tree a lockfile (or a manager's record of the installed tree) describes. */
export interface LockTree {
  /** The format's version, as the file states it. */
  version: number;
  /** The installed packages, by install path. */
  packages: Map<string, LockPackage>;
  /** The package folders by path relative to the lockfile ('' for the root); absent when the format keeps no copy. */
  roots?: Map<string, LockRoot>;
}

/** A lockfile read from its text, which can point at places in that text. */
export interface Lockfile extends LockTree {
  file: string;
  /** The position of a path into the document: its key, its value, or the whole `key: value`; [] is the start. */
  locate(where: JSONPath, part: 'key' | 'value' | 'property'): Span;
}

/** A lockfile, or why it cannot be read: a message for its file at the span. */
export type LockfileResult = { lockfile: Lockfile } | { error: { file: string; span: Span; message: string } };

/** The lockfile of a result, when it could be read. */
export function readableLockfile(read: LockfileResult | undefined): Lockfile | undefined {
  return read !== undefined && 'lockfile' in read ? read.lockfile : undefined;
}

/** The package Node would load as `name` from `folder` (relative to the lockfile): the nearest node_modules. */
export function installedFor(lockfile: Lockfile, folder: string, name: string): LockPackage | undefined {
  const parts = folder === '' ? [] : folder.split('/');
  for (let depth = parts.length; depth >= 0; depth--) {
    const base = parts.slice(0, depth).join('/');
    const found = lockfile.packages.get(`${base === '' ? '' : `${base}/`}node_modules/${name}`);
    if (found) return found;
  }
  return undefined;
}
