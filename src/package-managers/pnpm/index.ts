import { npm } from '../npm/index.js';
import type { PackageManager } from '../types.js';
import { pnpmEnvironment } from './environment.js';
import { LOCKFILE, pnpmInstall, WORKSPACE_MANIFEST } from './files.js';

// What only an install needs loads with the first install: the command line and a policy-only run never run pnpm.
const link = () => import('./link.js');

/**
 * pnpm 9 and 10. It reads .npmrc and npm_config_* as npm does, so the scoped config, the environment (proxy, roots,
 * user config; its retries its own) and the global links are npm's; its install, its record of the tree and
 * pnpm-workspace.yaml's settings are its own.
 */
export const pnpm: PackageManager = {
  name: 'pnpm',
  distribution: { npmPackage: () => 'pnpm', currentMajor: 10, setupStep: 'pnpm/action-setup' },
  lockfiles: [LOCKFILE],
  writes: ['package.json', LOCKFILE, WORKSPACE_MANIFEST],
  readLockfile: async (file) => (await import('./lockfile.js')).readPnpmLockfile(file),
  version: async (context, cwd) => (await import('../npm/version.js')).installedVersion(context, 'pnpm', cwd),
  environment: pnpmEnvironment,
  ownInstall: pnpmInstall,
  install: async (...args) => (await import('./install.js')).installWithPnpm(...args),
  // Loaded with the first restored tree: runs without the cache never need it.
  installedTreeIsCurrent: async (programDir, links) => (await import('./verify-tree.js')).isPnpmTreeCurrent(programDir, links),
  links: {
    globalFolder: npm.links.globalFolder,
    register: npm.links.register,
    requireGlobal: npm.links.requireGlobal,
    intoRestoredTree: async (context, programDir, _where, links, globalFolder) =>
      (await import('../global-links.js')).linkFromGlobalFolder(context, programDir, links, globalFolder),
    verify: async (...args) => (await link()).verifyPnpmLinks(...args),
  },
  registry: {
    // pnpm has no replace-registry-host: it fetches a lockfile's tarball URLs as written.
    async configured(...args) {
      const configured = await npm.registry.configured(...args);
      return { ...configured, hostReplacement: { ...configured.hostReplacement, replace: 'never' } };
    },
    // Read as the user config by pnpm, and by every pnpm and npm the job runs later.
    writeScoped: npm.registry.writeScoped,
    checkProxyRouting: async (...args) => (await import('./config-check.js')).checkPnpmProxyRouting(...args),
  },
};
