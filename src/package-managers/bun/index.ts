import { npmGlobalFolderLinker } from '../global-linker.js';
import type { ManagerContext, PackageManager } from '../types.js';
import { userConfigPath, writeScopedNpmrc } from '../npm/npmrc.js';
import { bunEnvironment } from './bun.js';
import { BINARY_LOCKFILE, LOCKFILE } from './files.js';
import { ownBunInstall } from './own-install.js';

// What only an install needs loads with the first install: the command line and a policy-only run never run bun.
const registry = () => import('./registry.js');

/** bun 1.x: its install, its lockfiles, its config (bunfig.toml and .npmrc); linked packages from npm's global folder. */
export const bun: PackageManager = {
  name: 'bun',
  distribution: { npmPackage: () => 'bun', currentMajor: 1, setupStep: 'oven-sh/setup-bun' },
  lockfiles: [LOCKFILE, BINARY_LOCKFILE],
  writes: ['package.json', LOCKFILE, BINARY_LOCKFILE],
  readLockfile: async (file) => (await import('./lockfile.js')).readBunLockfile(file),
  version: async (context, cwd) => (await import('../command.js')).toolVersion(context, 'bun', cwd),
  environment: bunEnvironment,
  ownInstall: ownBunInstall,
  install: async (...args) => (await import('./install.js')).installWithBun(...args),
  installedTreeIsCurrent: async (programDir, links) => (await import('./install-record.js')).isInstalledTreeCurrent(programDir, links),
  links: npmGlobalFolderLinker('npm link'),
  registry: {
    async configured(scope, programDir, env) {
      const { runCommand } = await import('../command.js');
      const context: ManagerContext = { run: runCommand, env: bunEnvironment(env, undefined), registryUrl: '' };
      return (await registry()).bunRegistryFor(context, scope, programDir, env);
    },
    async writeScoped({ env, ...request }) {
      // bun reads the user .npmrc NPM_CONFIG_USERCONFIG names, and expands ${PULUMI_ACCESS_TOKEN} in it as npm does.
      const written = await writeScopedNpmrc({ ...request, userConfigFile: userConfigPath(env) });
      return { ...written, variables: { NPM_CONFIG_USERCONFIG: written.file } };
    },
    checkProxyRouting: async (...args) => (await registry()).checkBunProxyRouting(...args),
  },
};
