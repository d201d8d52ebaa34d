import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { findOnPath, toolVersion } from '../command.js';
import type { ManagerContext } from '../types.js';
import { readPackageManifest } from '../../util/files.js';

/** The runner's npm version; '' when unknown. */
export function npmVersion(npm: ManagerContext, cwd: string): Promise<string> {
  return installedVersion(npm, 'npm', cwd);
}

/**
 * The version of the `tool` on the PATH, from the package.json of the npm package of that name it runs from: starting
 * npm only to ask takes a quarter of a second, as long as the rest of a warm-cache run's own work. Asks the tool when
 * the layout is not the usual one (a corepack shim, a standalone binary); '' when unknown.
 */
export async function installedVersion(context: ManagerContext, tool: string, cwd: string): Promise<string> {
  const found = findOnPath(tool, context.env);
  const cli = found === undefined ? undefined : await realpath(found).catch(() => undefined);
  const manifest = cli === undefined ? undefined : await readPackageManifest(path.join(path.dirname(cli), '..'));
  if (manifest?.name === tool && manifest.version !== undefined) return manifest.version;
  return toolVersion(context, tool, cwd);
}
