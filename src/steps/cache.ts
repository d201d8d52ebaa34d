import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as core from '@actions/core';
import { which } from '@actions/io';
import type { CacheMessage, NodeModulesCachePlan } from '../cache/index.js';
import type { LinkContext } from '../link.js';
import type { ProgramInput } from '../policy/index.js';
import type { RunRecord } from '../reporting.js';
import type { Settings } from '../settings.js';

export interface RestoredCache {
  plan: NodeModulesCachePlan;
  hit: boolean;
}

// The cache client (with the Azure SDK) is most of the bundle: it is loaded only by runs that use the cache.
const cacheModule = () => import('../cache/index.js');

/** Restores node_modules, or says in one line why not; undefined when the cache is off or unavailable. */
export async function restoreStep(
  settings: Settings,
  context: LinkContext,
  programs: ProgramInput[],
  links: string[],
  record: RunRecord,
): Promise<RestoredCache | undefined> {
  if (settings.cache === 'false') return undefined;
  const { cacheServiceUnavailable, planNodeModulesCache, restoreNodeModules } = await cacheModule();
  const unavailable = cacheServiceUnavailable();
  if (unavailable) {
    core.notice(unavailable);
    return undefined;
  }
  return core.group('Restore node_modules', async () => {
    const [nodeVersion, npmVersion] = await Promise.all([toolVersion(context, 'node', settings.workspace), npmVersionOf(context, settings.workspace)]);
    const plan = await planNodeModulesCache({
      workspace: settings.workspace,
      programs,
      prefix: settings.cacheKeyPrefix,
      installCommand: settings.installCommand,
      registryUrl: settings.registryUrl,
      links,
      nodeVersion,
      npmVersion,
    });
    const restored = say(await restoreNodeModules(plan.paths, plan));
    record.cache = {
      hit: restored.hit,
      primaryKey: plan.primaryKey,
      matchedKey: restored.matchedKey,
      saved: false,
      note: restored.message?.level === 'info' ? undefined : restored.message?.text,
    };
    return { plan, hit: restored.hit };
  });
}

/** Whether the restored tree of a program is the one its lockfile describes, so the install can be skipped. */
export async function restoredTreeIsCurrent(programDir: string, links: string[]): Promise<{ current: boolean; reason?: string }> {
  return (await cacheModule()).isInstalledTreeCurrent(programDir, links);
}

/** Saves right after a successful install, so a later failing step does not lose it. */
export async function saveStep(settings: Settings, cache: RestoredCache, record: RunRecord, eventName: string | undefined, untrusted: boolean): Promise<void> {
  const { reasonNotToSave, saveNodeModules } = await cacheModule();
  const skip = reasonNotToSave(settings.cache, cache.hit, eventName, untrusted);
  if (skip) {
    core.info(`Not saving node_modules: ${skip}.`);
    return;
  }
  const saved = await core.group('Save node_modules', async () => say(await saveNodeModules(cache.plan.paths, cache.plan.primaryKey)));
  if (record.cache) record.cache.saved = saved.saved;
}

/** The runner's Node.js and npm, which install (the action itself runs on its own Node.js). */
async function toolVersion(context: LinkContext, tool: string, cwd: string): Promise<string> {
  const result = await context.run(tool, ['--version'], { cwd, env: context.env, quiet: true });
  return result.exitCode === 0 ? result.stdout.trim() : '';
}

/**
 * npm's version from its own package.json beside the `npm` on the PATH: starting npm only to ask takes a quarter of
 * a second, as long as the rest of a warm-cache run's own work. Asks npm when the layout is not the usual one.
 */
async function npmVersionOf(context: LinkContext, cwd: string): Promise<string> {
  try {
    const cli = await fs.realpath(await which('npm', true));
    const manifest = JSON.parse(await fs.readFile(path.join(path.dirname(cli), '..', 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
    if (manifest.name === 'npm' && typeof manifest.version === 'string') return manifest.version;
  } catch {
    // Not found, or not laid out as npm installs itself: ask npm below.
  }
  return toolVersion(context, 'npm', cwd);
}

function say<T extends { message?: CacheMessage }>(result: T): T {
  const message = result.message;
  if (message?.level === 'warning') core.warning(message.text);
  else if (message?.level === 'notice') core.notice(message.text);
  else if (message) core.info(message.text);
  return result;
}
