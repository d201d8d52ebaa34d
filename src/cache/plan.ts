import { basename } from 'node:path';
import { relativePosix } from '../util/text.js';
import { computeCacheKeys } from './key.js';
import { cachePaths } from './paths.js';
import { cacheServiceAvailable } from './sdk-call.js';

/** The `cache` input: restore and save, restore only, or neither. */
export type CacheMode = 'true' | 'false' | 'restore';

/** What the main step restores and saves: the same paths both times, or the cache version would differ. */
export interface NodeModulesCachePlan {
  paths: string[];
  primaryKey: string;
  restoreKeys: string[];
}

/** What the cache key reads of a program: its folder, package.json and lockfile (a ProgramInput has them). */
export interface CacheKeyFiles {
  dir: string;
  packageJson: { text: string };
  lockfile?: { path: string; text: string } | undefined;
}

/**
 * An install of the plan (a program, or a workspace root serving its programs): its files, the package manager that
 * installs it, with its version on the runner, and for a workspace root every member it lists (their node_modules
 * belong to the tree: npm nests there what cannot share the root's, pnpm links each member's dependencies there).
 */
export interface CachedInstall extends CacheKeyFiles {
  manager: { name: string; version: string };
  members: CacheKeyFiles[];
}

export interface CachePlanInput {
  workspace: string;
  /** At least one. */
  installs: CachedInstall[];
  prefix: string;
  /** The `install-command` input; '' for each manager's own install. */
  installCommand: string;
  registryUrl: string;
  links: string[];
  /** The Node.js that installs (the runner's, not the Node.js running the action). */
  nodeVersion: string;
}

export async function planNodeModulesCache(input: CachePlanInput): Promise<NodeModulesCachePlan> {
  const keys = computeCacheKeys({
    prefix: input.prefix,
    platform: process.platform,
    arch: process.arch,
    nodeVersion: input.nodeVersion,
    programs: input.installs.map((program) => ({
      dir: relativePosix(input.workspace, program.dir) || '.',
      manager: program.manager,
      packageJson: program.packageJson.text,
      ...(program.lockfile ? { lockfile: { name: basename(program.lockfile.path), text: program.lockfile.text } } : {}),
      members: program.members.map((member) => ({ dir: relativePosix(input.workspace, member.dir), packageJson: member.packageJson.text })),
    })),
    installCommand: input.installCommand,
    registryUrl: input.registryUrl,
    links: input.links,
  });
  const paths = await cachePaths(
    input.workspace,
    input.installs.flatMap((install) => [install.dir, ...install.members.map((member) => member.dir)]),
    input.links,
  );
  return { paths, ...keys };
}

/**
 * Why the main step does not save, or undefined when it does. A pull_request_target run, or any run building a
 * fork's code, executes with the base repository's cache scope: a tree installed from that code must not land there.
 */
export function reasonNotToSave(mode: CacheMode, exactHit: boolean, eventName: string | undefined, untrusted: boolean): string | undefined {
  if (mode !== 'true') return 'cache is "restore": restore only';
  if (exactHit) return 'the exact key was restored';
  if (eventName === 'pull_request_target') return 'pull_request_target runs never save';
  if (untrusted) return "runs that build a fork's code never save";
  return undefined;
}

/** Said once, before any cache work, so a runner without the service gets one notice rather than two. */
export function cacheServiceUnavailable(): string | undefined {
  return cacheServiceAvailable() ? undefined : 'The Actions cache service is not available on this runner; installing without the node_modules cache.';
}
