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
  /** Where its `resolved` and `version` are, when not at `where` plus the field's name (another format's layout). */
  fields?: { resolved?: JSONPath; version?: JSONPath };
  /** Installed from the configured registry though the file holds no URL for it (pnpm 9, yarn 2+, bun's ''). */
  fromRegistry?: boolean;
}

/** The path `locate` takes to an entry's `resolved` or `version`. */
export function fieldWhere(entry: LockEntry, field: 'resolved' | 'version'): JSONPath {
  return entry.fields?.[field] ?? [...entry.where, field];
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
  /** The package.json sections the format copies, when not all (pnpm keeps no peerDependencies). */
  copied?: readonly InstalledSection[];
}

/** The tree a lockfile (or a manager's record of the installed tree) describes. */
export interface LockTree {
  /** The format's version, as the file states it. */
  version: number;
  /** The installed packages, by install path. */
  packages: Map<string, LockPackage>;
  /** The package folders by path relative to the lockfile ('' for the root); absent when the format keeps no copy. */
  roots?: Map<string, LockRoot>;
  /**
   * For a format whose keys are not install paths (pnpm's, yarn's, bun's): the entries by install path, as far as
   * the file tells (`node_modules/<name>` and `<folder>/node_modules/<name>` for each package folder's dependencies).
   */
  installed?: Map<string, LockPackage>;
  /** For a format keyed by what package.json asks for (yarn 1's): the entries by `<name>@<spec>`. */
  bySpec?: Map<string, LockPackage>;
}

/** The package manager that writes a lockfile, as messages name it. */
export interface LockfileWriter {
  name: string;
  /** The command that brings the lockfile in step with package.json: `npm install`. */
  install: string;
  /** The command that adds a package to package.json and the lockfile: `npm install` (then the name). */
  add: string;
  /** The command that installs exactly what the lockfile records: `npm ci`. */
  frozenInstall: string;
  /** Where a scope is pointed at a registry, for messages: `.npmrc`. */
  scopeConfig: string;
  /** It moves a lockfile URL's host to the configured registry before fetching it (npm's replace-registry-host). */
  replacesRegistryHost: boolean;
  /**
   * It records every peer in the lockfile, optional or not, and leaves one out only when told at install time
   * (bun: `--omit=peer`, `peer = false` in bunfig.toml): the command that keeps a linked peer out.
   */
  omitsPeersWith?: string;
}

/** A lockfile read from its text, which can point at places in that text. */
export interface Lockfile extends LockTree {
  file: string;
  writer: LockfileWriter;
  /** The position of a path into the document: its key, its value, or the whole `key: value`; [] is the start. */
  locate(where: JSONPath, part: 'key' | 'value' | 'property'): Span;
}

/**
 * A lockfile; or why it cannot be read: a message for its file at the span; or why it was not read at all (a
 * notice: bun.lockb without bun to print it).
 */
export type LockfileResult = { lockfile: Lockfile } | { error: { file: string; span: Span; message: string } } | { skipped: { file: string; message: string } };

/** The lockfile of a result, when it could be read. */
export function readableLockfile(read: LockfileResult | undefined): Lockfile | undefined {
  return read !== undefined && 'lockfile' in read ? read.lockfile : undefined;
}

/**
 * The package Node would load as `name` from `folder` (relative to the lockfile): the nearest node_modules; in a
 * format keyed by spec, the entry for the `spec` package.json gives it.
 */
export function installedFor(lockfile: LockTree, folder: string, name: string, spec?: string): LockPackage | undefined {
  const bySpec = spec === undefined ? undefined : lockfile.bySpec?.get(`${name}@${spec}`);
  if (bySpec) return bySpec;
  const byPath = lockfile.installed ?? lockfile.packages;
  const parts = folder === '' ? [] : folder.split('/');
  for (let depth = parts.length; depth >= 0; depth--) {
    const base = parts.slice(0, depth).join('/');
    const found = byPath.get(`${base === '' ? '' : `${base}/`}node_modules/${name}`);
    if (found) return found;
  }
  return undefined;
}
