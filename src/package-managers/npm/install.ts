import type { InstallOutcome, InstallRequest, ManagerContext } from '../types.js';
import { runInstallScripts, scriptsWaitForToken, withoutScripts } from './install-scripts.js';
import { linkIntoProgram } from './link.js';
import { explainNpmFailure, withoutPeerInstall } from './npm.js';

/**
 * Runs the install command in a program, then `npm link`, then (when they waited for the token to go) the install
 * scripts. While the token is in npm's environment, no package's install script runs, unless the user opts out.
 */
export async function installWithNpm(npm: ManagerContext, { dir, where, commandLine, links, ignoreScripts }: InstallRequest): Promise<InstallOutcome> {
  const scriptsWait = scriptsWaitForToken(ignoreScripts, npm.env);
  const npmEnv = scriptsWait ? withoutScripts(npm.env) : npm.env;
  const installEnv = links.length ? withoutPeerInstall(npmEnv) : npmEnv;
  const result = await npm.run(commandLine, [], { cwd: dir, env: installEnv });
  if (result.exitCode !== 0) throw explainNpmFailure(commandLine, where, result, npm.registryUrl);
  await linkIntoProgram({ ...npm, env: npmEnv }, dir, where, links);
  return scriptsWait ? { scripts: await runInstallScripts(npm, dir, where) } : {};
}
