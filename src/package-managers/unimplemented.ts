// TEMPORARY scaffold while pnpm, yarn and bun are built (issue 19): removed before it lands.
import { ActionError } from '../util/errors.js';
import { toolVersion } from './command.js';
import type { Distribution, ManagerName, PackageManager } from './types.js';

export function unimplementedManager(name: ManagerName, lockfiles: readonly [string, ...string[]], distribution: Distribution): PackageManager {
  const fail = async (): Promise<never> => {
    throw new ActionError(`${name} is not supported yet.`);
  };
  return {
    name,
    distribution,
    lockfiles,
    writes: ['package.json', ...lockfiles],
    readLockfile: fail,
    version: (context, cwd) => toolVersion(context, name, cwd),
    environment: (base) => base,
    ownInstall: () => `${name} install`,
    install: fail,
    installedTreeIsCurrent: fail,
    links: { globalFolder: fail, register: fail, requireGlobal: fail, intoRestoredTree: fail, verify: fail },
    registry: { configured: fail, writeScoped: fail, checkProxyRouting: fail },
  };
}
