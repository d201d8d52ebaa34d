import { existsSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { useHostCache } from '../cache/sdk-call.js';
import { useHostCore, type Core } from './toolkit.js';

/**
 * The files of the action's node_modules whose exports @github/local-action replaces with its stand-ins (it finds
 * each package with `npm ls` in the action's folder, then stubs the file by path).
 */
const STUBBED = {
  core: 'node_modules/@actions/core/lib/core.js',
  cache: 'node_modules/@actions/cache/lib/cache.js',
} as const;

/**
 * A host that imports the action and calls run() may put stand-ins of its own in place of @actions/core and
 * @actions/cache: @github/local-action does, for the files in the node_modules of the action's folder, which it names
 * in TARGET_ACTION_PATH. The TypeScript source imports those files and gets them; the bundle carries its own copies,
 * which no stand-in reaches, so it imports the files by path. On the runner no such variable points at the action's
 * own folder, and an action's folder there has no node_modules: the bundled copies stay. Returns what was put in place.
 */
export async function adoptHostToolkit(env: NodeJS.ProcessEnv): Promise<Array<keyof typeof STUBBED>> {
  const actionPath = hostedActionPath(env['TARGET_ACTION_PATH']);
  if (!actionPath) return [];
  const adopted: Array<keyof typeof STUBBED> = [];
  const core = await importIfPresent(join(actionPath, STUBBED.core));
  if (core) {
    useHostCore(core as Core);
    adopted.push('core');
  }
  const cache = await importIfPresent(join(actionPath, STUBBED.cache));
  if (cache) {
    useHostCache(cache as Parameters<typeof useHostCache>[0]);
    adopted.push('cache');
  }
  return adopted;
}

/** The host's action folder when it holds this very file (the action being run is this one), else undefined. */
function hostedActionPath(named: string | undefined): string | undefined {
  if (!named) return undefined;
  try {
    const folder = realpathSync(named);
    return realpathSync(fileURLToPath(import.meta.url)).startsWith(folder + sep) ? folder : undefined;
  } catch {
    return undefined;
  }
}

async function importIfPresent(file: string): Promise<unknown> {
  if (!existsSync(file)) return undefined;
  // Left to Node.js at run time, by path: the bundler must not resolve it (webpackIgnore).
  return import(/* webpackIgnore: true */ pathToFileURL(file).href);
}
