import { createHash } from 'node:crypto';
import semver from 'semver';
import { ActionError } from '../errors.js';

export interface CacheKeyInput {
  /** The `cache-key-prefix` input; '' for none. */
  prefix: string;
  /** process.platform */
  platform: string;
  /** process.arch */
  arch: string;
  /** process.version */
  nodeVersion: string;
  /** `npm --version` */
  npmVersion: string;
  programs: {
    /** Relative to the workspace, posix. */
    dir: string;
    /** package-lock.json text, when the program has one. */
    lockfile?: string;
    packageJson: string;
  }[];
  installCommand: string;
  registryUrl: string;
  links: string[];
}

/** @actions/cache refuses longer keys. */
const MAX_KEY_LENGTH = 512;

/**
 * `<prefix->setup-pulumi-npm-<os>-<arch>-node<major>-npm<major>-<hash>`; the restore key is the same without the
 * hash, so a changed lockfile still starts from the newest tree of the same platform and toolchain.
 */
export function computeCacheKeys(input: CacheKeyInput): { primaryKey: string; restoreKeys: string[] } {
  if (input.prefix.includes(',')) {
    throw new ActionError(`cache-key-prefix "${input.prefix}" contains a comma, which cache keys cannot hold; remove it.`);
  }
  const toolchain = `node${majorOf('Node.js', input.nodeVersion)}-npm${majorOf('npm', input.npmVersion)}`;
  const restoreKey = `${input.prefix ? `${input.prefix}-` : ''}setup-pulumi-npm-${input.platform}-${input.arch}-${toolchain}-`;
  const primaryKey = restoreKey + treeHash(input);
  if (primaryKey.length > MAX_KEY_LENGTH) {
    throw new ActionError(
      `cache-key-prefix is too long: the cache key would be ${primaryKey.length} characters, over the limit of ${MAX_KEY_LENGTH}; shorten it.`,
    );
  }
  return { primaryKey, restoreKeys: [restoreKey] };
}

function majorOf(tool: string, version: string): number {
  const parsed = semver.parse(version.trim());
  if (!parsed) throw new ActionError(`Could not read the ${tool} version "${version.trim()}"; check that ${tool} is installed and on the PATH.`);
  return parsed.major;
}

/** Covers what decides the installed tree; order-free where order does not change it. */
function treeHash(input: CacheKeyInput): string {
  const programs = [...input.programs]
    .sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0))
    .map((program) => ({
      dir: program.dir,
      // The lockfile pins the tree; without one, package.json is the best description there is.
      source: program.lockfile === undefined ? 'package.json' : 'package-lock.json',
      sha256: sha256(program.lockfile ?? program.packageJson),
    }));
  const links = [...new Set(input.links)].sort();
  return sha256(JSON.stringify({ programs, installCommand: input.installCommand, registryUrl: input.registryUrl, links }));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
