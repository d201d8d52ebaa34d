import type { PackageManager } from '../types.js';
import { npmRegistryFor } from './configured-registry.js';
import { LOCKFILE, SHRINKWRAP } from './files.js';
import { installWithNpm } from './install.js';
import { globalPackagesFolder, linkRestoredTree, registerLinkPath, requireGlobalLinks, verifyLinks } from './link.js';
import { readNpmLockfile } from './lockfile.js';
import { npmEnvironment } from './npm.js';
import { userConfigPath, writeScopedNpmrc } from './npmrc.js';
import { checkProxyRouting } from './config-check.js';

/** npm, Pulumi's default package manager. */
export const npm: PackageManager = {
  name: 'npm',
  lockfiles: [LOCKFILE],
  writes: ['package.json', LOCKFILE, SHRINKWRAP],
  readLockfile: async (file) => readNpmLockfile(file),
  // Loaded when the action asks (the cache key): the command line reads lockfiles and config, and never runs npm.
  version: async (context, cwd) => (await import('./version.js')).npmVersion(context, cwd),
  environment: npmEnvironment,
  install: installWithNpm,
  // Loaded with the first restored tree: runs without the cache never need it.
  installedTreeIsCurrent: async (programDir, links) => (await import('./verify-tree.js')).isInstalledTreeCurrent(programDir, links),
  links: {
    globalFolder: globalPackagesFolder,
    register: registerLinkPath,
    requireGlobal: requireGlobalLinks,
    intoRestoredTree: linkRestoredTree,
    verify: verifyLinks,
  },
  registry: {
    configured: npmRegistryFor,
    async writeScoped({ env, ...request }) {
      const written = await writeScopedNpmrc({ ...request, userConfigFile: userConfigPath(env) });
      // npm, and every npm the job runs later, reads the scoped config as its user config.
      return { ...written, variables: { NPM_CONFIG_USERCONFIG: written.file } };
    },
    checkProxyRouting,
  },
};
