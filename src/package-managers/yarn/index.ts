import * as path from 'node:path';
import { readTextIfExistsSync } from '../../util/files.js';
import { npmGlobalFolderLinker } from '../global-linker.js';
import type { PackageManager } from '../types.js';
import { yarnEnvironment } from './environment.js';
import { isBerryLockfile, LOCKFILE, ownInstallCommand } from './files.js';

// What only an install needs loads with the first install: the command line and a policy-only run never run yarn.

const CURRENT_MAJOR = 4;

/** Yarn: 1 (classic) and 2+ (berry, with the node-modules linker); each method asks yarn which one runs. */
export const yarn: PackageManager = {
  name: 'yarn',
  distribution: {
    npmPackage: (major) => (major === 1 ? 'yarn' : '@yarnpkg/cli-dist'),
    currentMajor: CURRENT_MAJOR,
    // A yarn 2+ lockfile needs yarn 2+, the current major when nothing names one.
    lockfileMajor: (text) => (isBerryLockfile(text) ? CURRENT_MAJOR : 1),
    setupStep: '"corepack enable" (Node.js 24 and earlier ship corepack; on 25 and later, "npm install -g corepack" first)',
  },
  lockfiles: [LOCKFILE],
  writes: ['package.json', LOCKFILE],
  // Until lockfile.ts (another part of issue 19) reads it: a message on its first line, as for an unreadable lockfile.
  readLockfile: async (file) => (await import('./lockfile.js')).readYarnLockfile(file),
  version: async (...args) => (await import('./version.js')).yarnVersion(...args),
  environment: yarnEnvironment,
  // For the log of a skipped install: the lockfile's format tells the generation without starting yarn.
  ownInstall: (programDir) => {
    const lockfile = readTextIfExistsSync(path.join(programDir, LOCKFILE));
    return ownInstallCommand(lockfile !== undefined && isBerryLockfile(lockfile), lockfile !== undefined, false);
  },
  install: async (...args) => (await import('./install.js')).installWithYarn(...args),
  installedTreeIsCurrent: async (programDir, links) => (await import('./verify-tree.js')).isInstalledTreeCurrent(programDir, links),
  links: npmGlobalFolderLinker('npm link'),
  registry: {
    configured: async (...args) => (await import('./configured-registry.js')).yarnRegistryFor(...args),
    writeScoped: async (...args) => (await import('./yarnrc.js')).writeScopedYarnConfig(...args),
    checkProxyRouting: async (...args) => (await import('./config-check.js')).checkProxyRouting(...args),
  },
};
