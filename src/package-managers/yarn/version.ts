import { toolVersion } from '../command.js';
import type { ManagerContext } from '../types.js';

const asked = new Map<string, Promise<string>>();

/**
 * What `yarn --version` prints in a program's folder: the yarn that really runs there, after a `yarnPath` of the
 * project's .yarnrc(.yml) and corepack's `packageManager` field had their say. Asked once per folder and PATH (each
 * start of yarn 2+ takes a third of a second); '' when yarn cannot run.
 */
export function yarnVersion(context: ManagerContext, cwd: string): Promise<string> {
  const key = `${cwd}\0${context.env['PATH'] ?? ''}`;
  let version = asked.get(key);
  if (!version) {
    version = toolVersion(context, 'yarn', cwd);
    asked.set(key, version);
  }
  return version;
}
