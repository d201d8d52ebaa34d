import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { which } from '@actions/io';
import { toolVersion } from '../command.js';
import type { ManagerContext } from '../types.js';
import { readPackageManifest } from '../../util/files.js';

/**
 * The runner's npm version, from npm's own package.json beside the `npm` on the PATH: starting npm only to ask takes
 * a quarter of a second, as long as the rest of a warm-cache run's own work. Asks npm when the layout is not the usual
 * one; '' when unknown.
 */
export async function npmVersion(npm: ManagerContext, cwd: string): Promise<string> {
  const cli = await which('npm', true)
    .then((found) => realpath(found))
    .catch(() => undefined);
  const manifest = cli === undefined ? undefined : await readPackageManifest(path.join(path.dirname(cli), '..'));
  if (manifest?.name === 'npm' && manifest.version !== undefined) return manifest.version;
  return toolVersion(npm, 'npm', cwd);
}
