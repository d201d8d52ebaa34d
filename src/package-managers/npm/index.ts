import type { PackageManager } from '../types.js';
import { npmRegistryFor } from './configured-registry.js';
import { LOCKFILE, SHRINKWRAP } from './files.js';
import { readNpmLockfile } from './lockfile.js';
import { npmEnvironment } from './npm.js';
import { userConfigPath, writeScopedNpmrc } from './npmrc.js';

// What only an install needs loads with the first install: the command line and a policy-only run never run npm.
const link = () => import('./link.js');

/** npm, Pulumi's default package manager. */
export const npm: PackageManager = {
  name: 'npm',
  distribution: { npmPackage: () => 'npm', currentMajor: 11, setupStep: 'actions/setup-node' },
  lockfiles: [LOCKFILE],
  writes: ['package.json', LOCKFILE, SHRINKWRAP],
  readLockfile: async (file) => readNpmLockfile(file),
  version: async (...args) => (await import('./version.js')).npmVersion(...args),
  environment: npmEnvironment,
  ownInstall: () => 'npm install',
  install: async (...args) => (await import('./install.js')).installWithNpm(...args),
  // Loaded with the first restored tree: runs without the cache never need it.
  installedTreeIsCurrent: async (programDir, links) => (await import('./verify-tree.js')).isInstalledTreeCurrent(programDir, links),
  links: {
    globalFolder: async (...args) => (await link()).globalPackagesFolder(...args),
    register: async (...args) => (await link()).registerLinkPath(...args),
    requireGlobal: async (...args) => (await link()).requireGlobalLinks(...args),
    intoRestoredTree: async (...args) => (await link()).linkRestoredTree(...args),
    verify: async (...args) => (await link()).verifyLinks(...args),
  },
  registry: {
    configured: npmRegistryFor,
    async writeScoped({ env, ...request }) {
      const written = await writeScopedNpmrc({ ...request, userConfigFile: userConfigPath(env) });
      // npm, and every npm the job runs later, reads the scoped config as its user config.
      return { ...written, variables: { NPM_CONFIG_USERCONFIG: written.file } };
    },
    checkProxyRouting: async (...args) => (await import('./config-check.js')).checkProxyRouting(...args),
  },
};
