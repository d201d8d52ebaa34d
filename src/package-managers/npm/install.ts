import type { InstallRequest, ManagerContext } from '../types.js';
import { linkIntoProgram } from './link.js';
import { explainNpmFailure, withoutPeerInstall } from './npm.js';

/**
 * Runs the install command in a program, its install scripts included (npm holds no token to keep from them), then
 * `npm link`. With "ignore-scripts", npm runs no package's install scripts, the program's own included.
 */
export async function installWithNpm(npm: ManagerContext, { dir, where, commandLine, links, ignoreScripts }: InstallRequest): Promise<void> {
  const npmEnv = ignoreScripts ? { ...npm.env, npm_config_ignore_scripts: 'true' } : npm.env;
  const installEnv = links.length ? withoutPeerInstall(npmEnv) : npmEnv;
  // npm's own install keeps package-lock.json as it is when it matches package.json, and brings it in step otherwise.
  const command = commandLine ?? 'npm install';
  const result = await npm.run(command, [], { cwd: dir, env: installEnv });
  if (result.exitCode !== 0) throw explainNpmFailure(command, where, result, npm.registryUrl);
  await linkIntoProgram({ ...npm, env: npmEnv }, dir, where, links);
}
