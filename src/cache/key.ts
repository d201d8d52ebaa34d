import { createHash } from 'node:crypto';
import semver from 'semver';
import { ActionError } from '../util/errors.js';

export interface CacheKeyInput {
  /** The `cache-key-prefix` input, checked by the settings (no comma, at most MAX_PREFIX_LENGTH); '' for none. */
  prefix: string;
  /** process.platform */
  platform: string;
  /** process.arch */
  arch: string;
  /** The runner's `node --version`, which installs (not process.version: the action runs on a Node.js of its own). */
  nodeVersion: string;
  /** At least one: the first program's manager names the restore key (a run's programs mostly share one). */
  programs: {
    /** Relative to the workspace, posix. */
    dir: string;
    /** The package manager that installs it, and its version on the runner. */
    manager: { name: string; version: string };
    /** The lockfile's name and text, when the program has one. */
    lockfile?: { name: string; text: string };
    packageJson: string;
    /** A workspace root's members (relative to the workspace, posix), each with its package.json: what they declare shapes the tree. */
    members?: { dir: string; packageJson: string }[];
  }[];
  installCommand: string;
  registryUrl: string;
  links: string[];
}

/** @actions/cache refuses longer keys. */
export const MAX_KEY_LENGTH = 512;
/** sha256, in hex. */
const HASH_LENGTH = 64;
/**
 * The longest package manager name a key holds: Pulumi's are npm, pnpm, yarn and bun. A longer one would shorten
 * MAX_PREFIX_LENGTH, which README.md states (a test says when).
 */
export const MAX_MANAGER_NAME_LENGTH = 4;
/** What follows the prefix at its longest: Node's longest platform and architecture names, majors under 1000, the hash. */
const LONGEST_AFTER_PREFIX = `-${restoreKeyOf('', 'android', 'riscv64', 999, { name: 'x'.repeat(MAX_MANAGER_NAME_LENGTH), major: 999 })}`.length + HASH_LENGTH;
/** The longest `cache-key-prefix` that keeps every key within MAX_KEY_LENGTH, whatever the runner. */
export const MAX_PREFIX_LENGTH = MAX_KEY_LENGTH - LONGEST_AFTER_PREFIX;

/**
 * `<prefix->setup-pulumi-npm-<os>-<arch>-node<major>-<manager><major>-<hash>`; the restore key is the same without
 * the hash, so a changed lockfile still starts from the newest tree of the same platform and toolchain.
 */
export function computeCacheKeys(input: CacheKeyInput): { primaryKey: string; restoreKeys: string[] } {
  const { name, version } = input.programs[0]!.manager;
  const restoreKey = restoreKeyOf(input.prefix, input.platform, input.arch, majorOf('Node.js', input.nodeVersion), { name, major: majorOf(name, version) });
  return { primaryKey: restoreKey + treeHash(input), restoreKeys: [restoreKey] };
}

function restoreKeyOf(prefix: string, platform: string, arch: string, nodeMajor: number, manager: { name: string; major: number }): string {
  return `${prefix ? `${prefix}-` : ''}setup-pulumi-npm-${platform}-${arch}-node${nodeMajor}-${manager.name}${manager.major}-`;
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
      manager: `${program.manager.name}${majorOf(program.manager.name, program.manager.version)}`,
      // The lockfile pins the tree; without one, package.json is the best description there is.
      source: program.lockfile?.name ?? 'package.json',
      sha256: sha256(program.lockfile?.text ?? program.packageJson),
      // Only a workspace root has members: a lone program's key stays what it was.
      ...(program.members?.length && { members: membersHash(program.members) }),
    }));
  const links = [...new Set(input.links)].sort();
  return sha256(JSON.stringify({ programs, installCommand: input.installCommand, registryUrl: input.registryUrl, links }));
}

/** One hash of the members' package.json files, by folder, in folder order. */
function membersHash(members: { dir: string; packageJson: string }[]): string {
  const sorted = [...members].sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  return sha256(JSON.stringify(sorted.map((member) => [member.dir, sha256(member.packageJson)])));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
