import { posix } from 'node:path';
import type { JSONPath } from 'jsonc-parser';
import semver from 'semver';
import type { LockfileResult, LockPackage, LockRoot, LockTree } from '../../policy/lockfile.js';
import type { SourceFile } from '../../policy/types.js';
import { cannotRead, isUrl, lockfileWriter, readSafely, splitAtName } from '../lockfile/text.js';
import { isYamlLockfile, readYaml } from '../lockfile/yaml.js';
import { readYarnClassic } from './lockfile-v1.js';

type Yaml = Record<string, unknown>;

const YARN_CLASSIC = lockfileWriter('yarn install', 'yarn install --frozen-lockfile', '.npmrc');
const YARN_BERRY = lockfileWriter('yarn install', 'yarn install --immutable', '.yarnrc.yml (npmScopes)');
const REMEDY = 'delete it and run yarn install to write a new one';
/** yarn 2+'s lockfile is YAML and starts with its `__metadata`; yarn 1's is a format of its own. */
const BERRY = /^__metadata:/m;

/** Reads yarn.lock, yarn 1's or yarn 2+'s, into the policy's model. */
export function readYarnLockfile(file: SourceFile): LockfileResult {
  return readSafely(file, REMEDY, () => (BERRY.test(file.text) ? readBerry(file) : readYarnClassic(file, YARN_CLASSIC, REMEDY)));
}

/**
 * yarn 2+: an entry per block, keyed by its descriptors (`<name>@npm:^1.0.0, ...`), its URL where the `resolution`
 * holds one (a tarball's, or `__archiveUrl` for a registry's tarball not where the registry keeps it); each workspace
 * block is a package folder whose dependencies are at `<folder>/node_modules/<name>`.
 */
function readBerry(file: SourceFile): LockfileResult {
  const yaml = readYaml(file, REMEDY);
  if (!isYamlLockfile(yaml)) return yaml;
  const data = isObject(yaml.data) ? yaml.data : {};
  const metadata = isObject(data['__metadata']) ? data['__metadata'] : {};
  const version = Number(metadata['version']);
  if (!Number.isInteger(version)) return cannotRead(file, yaml.locate(['__metadata'], 'key'), 'its __metadata has no version', REMEDY);
  const tree: LockTree & { roots: Map<string, LockRoot>; installed: Map<string, LockPackage>; bySpec: Map<string, LockPackage> } = {
    version,
    packages: new Map(),
    roots: new Map(),
    installed: new Map(),
    // Keyed by what package.json asks for: the hoisting yarn chose is in no lockfile, so a package found deeper is looked up by name.
    bySpec: new Map(),
  };
  const byDescriptor = new Map<string, LockPackage>();
  const workspaces: [string, string, Yaml][] = [];
  for (const [key, value] of Object.entries(data)) {
    if (key === '__metadata' || !isObject(value) || typeof value['resolution'] !== 'string') continue;
    const workspace = /^workspace:(.*)$/.exec(splitAtName(value['resolution'])?.rest ?? '');
    if (workspace) workspaces.push([key, workspace[1] === '.' ? '' : workspace[1]!, value]);
    const entry = berryEntry(key, value['resolution'], value);
    // The project's own block is its root, not a package installed in it.
    if (entry === undefined || workspace?.[1] === '.') continue;
    tree.packages.set(key, entry);
    for (const descriptor of key.split(',')) {
      byDescriptor.set(descriptor.trim(), entry);
      const parts = splitAtName(descriptor.trim());
      if (parts) tree.bySpec.set(`${parts.name}@${packageJsonSpec(parts.rest)}`, entry);
    }
  }
  for (const [key, folder, value] of workspaces) {
    const root: LockRoot = { path: folder, link: false, optional: false, where: [key], specs: new Map(), sections: new Map() };
    for (const section of ['dependencies', 'peerDependencies'] as const) {
      const listed = value[section];
      if (!isObject(listed)) continue;
      for (const [name, range] of Object.entries(listed)) {
        if (typeof range !== 'string') continue;
        root.specs.set(name, { spec: packageJsonSpec(range), where: [key, section, name] });
        const installed = byDescriptor.get(`${name}@${range}`) ?? [...byDescriptor].find(([descriptor]) => descriptor.startsWith(`${name}@${range}::`))?.[1];
        if (installed !== undefined && section === 'dependencies') tree.installed.set(`${folder === '' ? '' : `${folder}/`}node_modules/${name}`, installed);
      }
    }
    tree.roots.set(folder, root);
  }
  return { lockfile: { file: file.path, writer: YARN_BERRY, ...tree, locate: yaml.locate } };
}

function berryEntry(key: string, resolution: string, value: Yaml): LockPackage | undefined {
  const locator = splitAtName(resolution);
  if (locator === undefined) return undefined;
  const where: JSONPath = [key];
  const entry: LockPackage = { path: key, name: locator.name, link: false, optional: false, where };
  if (typeof value['version'] === 'string' || typeof value['version'] === 'number') entry.version = String(value['version']);
  if (typeof value['checksum'] === 'string') entry.integrity = value['checksum'];
  const [reference = '', params = ''] = locator.rest.split('::');
  const archiveUrl = new URLSearchParams(params).get('__archiveUrl');
  const local = /^(?:workspace|portal|link|file):([^#]*)/.exec(reference);
  if (local) {
    entry.link = true;
    // A path is relative to the workspace that lists it (the locator's), the workspace's own to the project's root.
    const owner = /@workspace:(.*)$/.exec(new URLSearchParams(params).get('locator') ?? '')?.[1] ?? '.';
    entry.resolved = reference.startsWith('workspace:') ? local[1]! : posix.join(owner, local[1]!);
  } else if (archiveUrl !== null) entry.resolved = archiveUrl;
  else if (reference.startsWith('npm:')) entry.fromRegistry = true;
  else if (isUrl(reference) || /^(?:git|github|ssh)[:+]/.test(reference)) entry.resolved = reference;
  else entry.fromRegistry = true;
  entry.fields = { resolved: [key, 'resolution'] };
  return entry;
}

/** The spec package.json has for a range yarn 2+ recorded: `npm:^1.0.0` is `^1.0.0`. */
function packageJsonSpec(range: string): string {
  const bare = range.startsWith('npm:') ? range.slice('npm:'.length) : undefined;
  return bare !== undefined && semver.validRange(bare) !== null ? bare : range;
}

function isObject(value: unknown): value is Yaml {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
