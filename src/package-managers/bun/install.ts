import type { InstallRequest, ManagerContext } from '../types.js';
import { explainBunFailure } from './bun.js';
import { writeInstallRecord } from './install-record.js';
import { linkFromGlobalFolder } from '../global-links.js';
import { ownBunInstall } from './own-install.js';
import { bunRegistryFor } from './registry.js';

/**
 * Runs the install command in a program (bun's own unless the input gives one, which runs as written), records the
 * tree, then links. bun runs a dependency's install scripts only when the program's `trustedDependencies` lists it,
 * the program's own always; "ignore-scripts" runs none. With links, `--omit=peer`: bun installs peers (the 0.10
 * packages' `pulumi`) from the registry otherwise.
 */
export async function installWithBun(bun: ManagerContext, { dir, where, commandLine, links, ignoreScripts }: InstallRequest): Promise<void> {
  const env = ignoreScripts ? { ...bun.env, NPM_CONFIG_IGNORE_SCRIPTS: 'true' } : bun.env;
  const own = [ownBunInstall(dir), ...(ignoreScripts ? ['--ignore-scripts'] : []), ...(links.length ? ['--omit=peer'] : [])];
  const command = commandLine ?? own.join(' ');
  const result = await bun.run(command, [], { cwd: dir, env });
  if (result.exitCode !== 0) {
    const configured = await bunRegistryFor(bun, '', dir, env).then(
      ({ url }) => url,
      () => undefined,
    );
    throw explainBunFailure(command, where, result, bun.registryUrl, configured);
  }
  await writeInstallRecord(dir, links);
  await linkFromGlobalFolder(bun, dir, links);
}
