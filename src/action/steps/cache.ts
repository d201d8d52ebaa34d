import { lstat, readlink } from 'node:fs/promises';
import * as path from 'node:path';
import { core } from '../toolkit.js';
import type { CachedInstall, CacheMessage, NodeModulesCachePlan } from '../../cache/index.js';
import { toolVersion } from '../../package-managers/command.js';
import type { ManagerContext } from '../../package-managers/index.js';
import type { CacheRecord } from '../../report/run-report.js';
import type { Settings } from '../settings.js';
import { logLine } from '../../util/log-text.js';

export interface RestoredCache {
  plan: NodeModulesCachePlan;
  /** The folders whose node_modules the plan caches: the installs' and their workspace members'. */
  cachedDirs: string[];
  /** What the restore did, for the report; `saved` is filled in by the save. */
  record: CacheRecord;
}

// The cache client (with the Azure SDK) is most of the bundle: it is loaded only by runs that use the cache.
const cacheModule = () => import('../../cache/index.js');

/**
 * Restores node_modules, or says in one line why not; undefined when the cache is off or unavailable. It needs only
 * each install's package.json files and lockfile, so it runs while the policy check reads the rest; `signal` stops it
 * when the run fails meanwhile.
 */
export async function restoreStep(
  settings: Settings,
  context: ManagerContext,
  installs: CachedInstall[],
  links: string[],
  signal?: AbortSignal,
): Promise<RestoredCache | undefined> {
  if (settings.cache === 'false') return undefined;
  // Node's version is part of the key: the runner's node starts on the other core while the cache client loads.
  const nodeVersion = toolVersion(context, 'node', settings.workspace);
  nodeVersion.catch(() => {}); // awaited below, unless the cache is unavailable
  const { cacheServiceUnavailable, planNodeModulesCache, restoreNodeModules } = await cacheModule();
  const unavailable = cacheServiceUnavailable();
  if (unavailable) {
    core.notice(unavailable);
    return undefined;
  }
  const cachedDirs = installs.flatMap((install) => [install.dir, ...install.members.map((member) => member.dir)]);
  const linked = await symlinkedNodeModules(settings.workspace, cachedDirs);
  if (linked) {
    core.warning(`${linked}: the node_modules cache is off for this run, because a restore would write through the link. Remove the link.`);
    return undefined;
  }
  return core.group('Restore node_modules', async () => {
    const plan = await planNodeModulesCache({
      workspace: settings.workspace,
      installs,
      prefix: settings.cacheKeyPrefix,
      installCommand: settings.installCommand ?? '',
      registryUrl: context.registryUrl,
      links,
      nodeVersion: await nodeVersion,
    });
    const restored = say(await restoreNodeModules(plan.paths, plan, signal));
    const note = restored.message?.level === 'info' ? undefined : restored.message?.text;
    return {
      plan,
      cachedDirs,
      record: { hit: restored.hit, primaryKey: plan.primaryKey, matchedKey: restored.matchedKey, saved: false, note },
    };
  });
}

/** Saves right after a successful install, so a later failing step does not lose it; true when it saved. */
export async function saveStep(settings: Settings, cache: RestoredCache, eventName: string | undefined, untrusted: boolean): Promise<boolean> {
  const { reasonNotToSave, saveNodeModules } = await cacheModule();
  // The install (or a script it ran) may have made the link since the restore.
  const linked = await symlinkedNodeModules(settings.workspace, cache.cachedDirs);
  if (linked) {
    core.warning(`${linked}: node_modules was not saved, because the archive would take what the link points to. Remove the link.`);
    return false;
  }
  const skip = reasonNotToSave(settings.cache, cache.record.hit, eventName, untrusted);
  if (skip) {
    core.info(`Not saving node_modules: ${skip}.`);
    return false;
  }
  const saved = await core.group('Save node_modules', async () => say(await saveNodeModules(cache.plan.paths, cache.plan.primaryKey)));
  return saved.saved;
}

/** The first of `dirs` whose node_modules is a symbolic link, described for a warning; undefined when none is. */
async function symlinkedNodeModules(workspace: string, dirs: string[]): Promise<string | undefined> {
  for (const dir of dirs) {
    const nodeModules = path.join(dir, 'node_modules');
    const stat = await lstat(nodeModules).catch(() => undefined);
    if (stat?.isSymbolicLink()) {
      const target = await readlink(nodeModules).catch(() => '?');
      return `${path.relative(workspace, nodeModules)} is a symbolic link (to ${target})`;
    }
  }
  return undefined;
}

function say<T extends { message?: CacheMessage }>(result: T): T {
  const message = result.message;
  if (message?.level === 'warning') core.warning(message.text);
  else if (message?.level === 'notice') core.notice(message.text);
  else if (message) core.info(logLine(message.text));
  return result;
}
