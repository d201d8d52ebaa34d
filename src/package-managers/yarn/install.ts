import { access, rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { InstallRequest, ManagerContext } from '../types.js';
import { berryConfig, requireNodeModulesLinker } from './berry-config.js';
import { explainYarnFailure } from './failure.js';
import { CLASSIC_INTEGRITY, isBerry, LOCKFILE, ownInstallCommand } from './files.js';
import { linkFromGlobalFolder } from '../global-links.js';
import { yarnRegistryFor } from './configured-registry.js';
import { withBerryRetries } from './environment.js';
import { yarnVersion } from './version.js';
import { isInstalledTreeCurrent } from './verify-tree.js';

/**
 * Runs yarn's install in a program, frozen when it has a yarn.lock (which stays byte-identical), then links. Yarn 2+
 * with Plug'n'Play is refused before anything is installed. With "ignore-scripts", no install script runs.
 */
export async function installWithYarn(context: ManagerContext, { dir, where, commandLine, links, ignoreScripts }: InstallRequest): Promise<void> {
  const version = await yarnVersion(context, dir);
  const berry = isBerry(version);
  if (berry) requireNodeModulesLinker(await berryConfig(context, dir, where), where);
  else await forgetStaleIntegrity(dir, links);
  const own = berry ? withBerryRetries(context.env, version) : context.env;
  const env = ignoreScripts ? { ...own, ...(berry ? { YARN_ENABLE_SCRIPTS: 'false' } : { npm_config_ignore_scripts: 'true' }) } : own;
  const command = commandLine ?? (await ownInstall(dir, berry, ignoreScripts));
  const result = await context.run(command, [], { cwd: dir, env });
  if (result.exitCode !== 0) throw explainYarnFailure(command, where, result, context.registryUrl, await defaultRegistry(dir, context.env));
  await linkFromGlobalFolder(context, dir, links);
}

/** The registry yarn takes unscoped packages from in `dir`, for a message; undefined when its config cannot be read. */
function defaultRegistry(dir: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return yarnRegistryFor('', dir, env).then(
    ({ url }) => url,
    () => undefined,
  );
}

/**
 * Yarn 1 trusts its .yarn-integrity and says "Already up-to-date" when it matches the lockfile, even with folders of
 * node_modules missing (a partial cache hit): without the record, it checks and links the whole tree again.
 */
async function forgetStaleIntegrity(dir: string, links: string[]): Promise<void> {
  const record = path.join(dir, CLASSIC_INTEGRITY);
  if ((await exists(record)) && !(await isInstalledTreeCurrent(dir, links)).current) await rm(record, { force: true });
}

async function ownInstall(dir: string, berry: boolean, ignoreScripts: boolean): Promise<string> {
  return ownInstallCommand(berry, await exists(path.join(dir, LOCKFILE)), ignoreScripts);
}

function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
