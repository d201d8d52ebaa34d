import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { InstallRequest, ManagerContext } from '../types.js';
import { explainBunFailure } from './bun.js';
import { BINARY_LOCKFILE, LOCKFILE, MIGRATED_LOCKFILES } from './files.js';
import { writeInstallRecord } from './install-record.js';
import { linkIntoProgram } from './link.js';

/**
 * Runs the install command in a program, then links. bun's own install is frozen when the program has a lockfile bun
 * reads (its own, or one it migrates from, which frozen it does not save as bun.lock): the lockfile stays as it is.
 * bun runs a dependency's install scripts only when the program's `trustedDependencies` lists it, the program's own
 * always; "ignore-scripts" runs none. With links, `--omit=peer`: bun installs peers (the 0.10 packages' `pulumi`)
 * from the registry otherwise. A command line of the user's runs as written.
 */
export async function installWithBun(bun: ManagerContext, { dir, where, commandLine, links, ignoreScripts }: InstallRequest): Promise<void> {
  const env = ignoreScripts ? { ...bun.env, NPM_CONFIG_IGNORE_SCRIPTS: 'true' } : bun.env;
  const command = commandLine ?? ['bun', 'install', ...defaultFlags(dir, links, ignoreScripts)].join(' ');
  const result = await bun.run(command, [], { cwd: dir, env });
  if (result.exitCode !== 0) throw explainBunFailure(command, where, result, bun.registryUrl);
  await writeInstallRecord(dir, links);
  await linkIntoProgram(bun, dir, links);
}

function defaultFlags(dir: string, links: string[], ignoreScripts: boolean): string[] {
  const locked = [LOCKFILE, BINARY_LOCKFILE, ...MIGRATED_LOCKFILES].some((name) => existsSync(path.join(dir, name)));
  return [...(locked ? ['--frozen-lockfile'] : []), ...(ignoreScripts ? ['--ignore-scripts'] : []), ...(links.length ? ['--omit=peer'] : [])];
}
