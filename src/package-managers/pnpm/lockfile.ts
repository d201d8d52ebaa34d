import { posix } from 'node:path';
import type { JSONPath } from 'jsonc-parser';
import type { LockfileResult, LockPackage, LockRoot, LockTree } from '../../policy/lockfile.js';
import type { InstalledSection } from '../../policy/sections.js';
import type { SourceFile } from '../../policy/types.js';
import { cannotRead, isUrl, lockfileWriter, localTarget, readSafely, splitAtName } from '../lockfile/text.js';
import { isYamlLockfile, readYaml } from '../lockfile/yaml.js';

type Yaml = Record<string, unknown>;

const PNPM = lockfileWriter('pnpm install', 'pnpm install --frozen-lockfile', '.npmrc');
const REMEDY = 'delete it and run pnpm install to write a new one';
/** pnpm 8's lockfile (6.0) and pnpm 9 and 10's (9.0). */
const KNOWN_VERSIONS = ['6.0', '9.0'];
/** What an importer copies of its package.json: pnpm keeps no peerDependencies. */
const COPIED: InstalledSection[] = ['dependencies', 'devDependencies', 'optionalDependencies'];

/**
 * Reads pnpm-lock.yaml into the policy's model: each `packages` entry once, by pnpm's key (`name@version`, 6.0's
 * `/name@version`), its URL where pnpm wrote one (`resolution: {tarball: ...}`, a git repository); and each importer
 * (the root, a workspace) as a package folder whose dependencies are at `<folder>/node_modules/<name>`.
 */
export function readPnpmLockfile(file: SourceFile): LockfileResult {
  return readSafely(file, REMEDY, () => {
    const yaml = readYaml(file, REMEDY);
    if (!isYamlLockfile(yaml)) return yaml;
    const data = isObject(yaml.data) ? yaml.data : {};
    const version = data['lockfileVersion'];
    if (!KNOWN_VERSIONS.includes(String(version)))
      return cannotRead(
        file,
        yaml.locate(['lockfileVersion'], version === undefined ? 'key' : 'value'),
        version === undefined
          ? 'it has no lockfileVersion, so it is no pnpm lockfile'
          : `its lockfileVersion ${JSON.stringify(version)} is not 6.0 (pnpm 8) or 9.0 (pnpm 9 and 10)`,
        REMEDY,
      );
    return { lockfile: { file: file.path, writer: PNPM, ...pnpmTree(data, Number(version)), locate: yaml.locate } };
  });
}

function pnpmTree(data: Yaml, version: number): LockTree {
  const tree: LockTree & { roots: Map<string, LockRoot>; installed: Map<string, LockPackage> } = {
    version,
    packages: new Map(),
    roots: new Map(),
    installed: new Map(),
  };
  const packages = isObject(data['packages']) ? data['packages'] : {};
  for (const [key, value] of Object.entries(packages)) {
    const entry = packageEntry(key, value);
    if (entry !== undefined) tree.packages.set(key, entry);
  }
  // pnpm 8 (6.0) keeps the dependencies of a project without workspaces at the top level.
  const workspace = isObject(data['importers']);
  const importers = workspace ? (data['importers'] as Yaml) : { '.': data };
  for (const [importer, value] of Object.entries(importers)) {
    if (!isObject(value)) continue;
    const folder = importer === '.' ? '' : importer;
    const base: JSONPath = workspace ? ['importers', importer] : [];
    const root: LockRoot = {
      path: folder,
      link: false,
      optional: false,
      where: base,
      specs: new Map(),
      sections: new Map(),
      copied: COPIED,
    };
    for (const section of COPIED) {
      const listed = value[section];
      if (!isObject(listed)) continue;
      const inSection = new Map<string, string>();
      for (const [name, dependency] of Object.entries(listed)) {
        if (!isObject(dependency) || typeof dependency['specifier'] !== 'string') continue;
        const where: JSONPath = [...base, section, name];
        inSection.set(name, dependency['specifier']);
        root.specs.set(name, { spec: dependency['specifier'], where: [...where, 'specifier'] });
        const installed = importedEntry(tree, folder, name, String(dependency['version'] ?? ''), where);
        if (installed !== undefined) tree.installed.set(`${folder === '' ? '' : `${folder}/`}node_modules/${name}`, installed);
      }
      root.sections.set(section, inSection);
    }
    tree.roots.set(folder, root);
  }
  return tree;
}

/** An importer's dependency: a link of its own (`link:`), else the `packages` entry its version names. */
function importedEntry(tree: LockTree, folder: string, name: string, version: string, where: JSONPath): LockPackage | undefined {
  const fields = { version: [...where, 'version'] };
  const linked = version.startsWith('link:') ? localTarget(version) : undefined;
  if (linked !== undefined) {
    const entry: LockPackage = { path: `${folder}/node_modules/${name}`.replace(/^\//, ''), name, link: true, optional: false, where, fields };
    entry.resolved = posix.join(folder, linked);
    tree.packages.set(where.join('/'), entry);
    return entry;
  }
  const exact = version.replace(/\(.*$/, '');
  // 9.0 names a package by its key's version part, or by `<name>@<version>` for an alias; 6.0 by `/<name>@<version>`.
  const keys = [`${name}@${exact}`, exact, `/${name}@${version}`, `/${name}@${exact}`, version.startsWith('/') ? version : `/${version}`, version];
  const found = keys.map((key) => tree.packages.get(key)).find((entry) => entry !== undefined);
  return found && { ...found, fields: { ...found.fields, ...fields } };
}

function packageEntry(key: string, value: unknown): LockPackage | undefined {
  if (!isObject(value)) return undefined;
  const where: JSONPath = ['packages', key];
  const named = splitAtName(key.replace(/^\//, '').replace(/\(.*$/, ''));
  const name = typeof value['name'] === 'string' ? value['name'] : (named?.name ?? key);
  const entry: LockPackage = { path: key, name, link: false, optional: value['optional'] === true, where };
  const version = typeof value['version'] === 'string' ? value['version'] : named?.rest;
  if (version !== undefined) entry.version = version;
  const resolution = isObject(value['resolution']) ? value['resolution'] : {};
  if (typeof resolution['integrity'] === 'string') entry.integrity = resolution['integrity'];
  if (typeof resolution['tarball'] === 'string') {
    entry.resolved = resolution['tarball'];
    entry.fields = { resolved: [...where, 'resolution', 'tarball'] };
    // A tarball path of a file on disk (`file:...tgz`) is local, as a directory is.
    if (!isUrl(entry.resolved)) entry.link = true;
  } else if (typeof resolution['repo'] === 'string') {
    entry.resolved = resolution['repo'];
    entry.fields = { resolved: [...where, 'resolution', 'repo'] };
  } else if (typeof resolution['directory'] === 'string') {
    entry.resolved = resolution['directory'];
    entry.link = true;
    entry.fields = { resolved: [...where, 'resolution', 'directory'] };
  } else {
    entry.fromRegistry = true;
    entry.fields = { resolved: [...where, 'resolution'] };
  }
  return entry;
}

function isObject(value: unknown): value is Yaml {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
