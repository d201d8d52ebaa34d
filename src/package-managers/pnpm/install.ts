import * as path from 'node:path';
import { readTextIfExists } from '../../util/files.js';
import type { InstallRequest, ManagerContext } from '../types.js';
import { LOCKFILE, lockfileDirOf, pnpmInstall } from './files.js';
import { linkFromGlobalFolder } from '../global-links.js';
import { refuseRegistryCopies } from './link.js';
import { explainPnpmFailure } from './pnpm.js';

/**
 * Runs the install in a program, then links. pnpm's own install is frozen when the program has a lockfile (kept
 * byte-identical) and explicitly not frozen otherwise (CI=true would make it frozen, and fail for want of one). Its
 * settings go on its command line, which pnpm-workspace.yaml's settings cannot outrank, and into the environment, for
 * an install command the user gave.
 */
export async function installWithPnpm(pnpm: ManagerContext, { dir, where, commandLine, links, ignoreScripts }: InstallRequest): Promise<void> {
  const lockfileText = await readTextIfExists(path.join(lockfileDirOf(dir), LOCKFILE)).catch(() => undefined);
  if (links.length && lockfileText !== undefined) refuseRegistryCopies(lockfileText, `${LOCKFILE} of ${where}`, links);
  const env: NodeJS.ProcessEnv = ignoreScripts ? { ...pnpm.env, npm_config_ignore_scripts: 'true' } : { ...pnpm.env };
  const flags = ignoreScripts ? ['--ignore-scripts'] : [];
  if (links.length) {
    // A new lockfile must not take a linked peer (`pulumi`) from a registry; a frozen install resolves nothing, and
    // refuses a setting other than the one its lockfile records.
    const autoInstallPeers = (lockfileText && /^ {2}autoInstallPeers: (true|false)$/m.exec(lockfileText)?.[1]) || 'false';
    env['npm_config_auto_install_peers'] = autoInstallPeers;
    flags.push(`--config.auto-install-peers=${autoInstallPeers}`);
  }
  const command = commandLine ?? [pnpmInstall(dir), ...flags].join(' ');
  const result = await pnpm.run(command, [], { cwd: dir, env });
  if (result.exitCode !== 0) throw explainPnpmFailure(command, where, result, pnpm.registryUrl);
  await linkFromGlobalFolder(pnpm, dir, links);
}
