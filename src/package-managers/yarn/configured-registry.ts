import * as os from 'node:os';
import * as path from 'node:path';
import YAML from 'yaml';
import { readTextIfExists } from '../../util/files.js';
import { npmRegistryFor } from '../npm/configured-registry.js';
import type { RegistryHostReplacement } from '../../policy/types.js';
import { BERRY_RC, isBerry, isBerryLockfile, LOCKFILE } from './files.js';
import { projectFolders } from './classic-config.js';

/** Yarn 2+'s registry when no config names one. */
const BERRY_DEFAULT_REGISTRY = 'https://registry.yarnpkg.com/';

/**
 * Where yarn resolves `scope` in `programDir` when the action routes nothing, without starting yarn. Yarn 2+ (the
 * major `packageManager` declares, else a berry yarn.lock, or a .yarnrc.yml and no yarn.lock):
 * YARN_NPM_REGISTRY_SERVER, else the nearest .yarnrc.yml's `npmScopes.<scope>.npmRegistryServer`, then its
 * `npmRegistryServer`, the home one last. Yarn 1 reads .npmrc as npm does. Neither rewrites a lockfile's URLs to
 * another host.
 */
export async function yarnRegistryFor(
  scope: string,
  programDir: string,
  env: NodeJS.ProcessEnv,
  declaredVersion?: string,
): Promise<{ url: string; hostReplacement: RegistryHostReplacement }> {
  const userHome = env['HOME'] || os.homedir();
  const rcFiles = [...projectFolders(programDir, userHome), userHome].map((folder) => path.join(folder, BERRY_RC));
  const rcs = (await Promise.all(rcFiles.map((file) => readTextIfExists(file).catch(() => undefined)))).map(parsedRc);
  const berry = declaredVersion ? isBerry(declaredVersion) : await berryFromFiles(programDir, rcs);
  const found = berry ? berryRegistry(rcs, scope.replace(/^@/, ''), env) : (await npmRegistryFor(scope, programDir, env)).url;
  return { url: found, hostReplacement: { replace: 'never', registry: found } };
}

/** Without a declared version: a berry yarn.lock, or no yarn.lock and a project .yarnrc.yml, means yarn 2+ (yarn 1 has neither). */
async function berryFromFiles(programDir: string, rcs: BerryRc[]): Promise<boolean> {
  const lockfile = (await readTextIfExists(path.join(programDir, LOCKFILE)).catch(() => undefined)) ?? '';
  return isBerryLockfile(lockfile) || (!lockfile && rcs.slice(0, -1).some((rc) => rc !== undefined));
}

type BerryRc = { npmRegistryServer?: unknown; npmScopes?: Record<string, { npmRegistryServer?: unknown } | undefined> } | undefined;

function parsedRc(text: string | undefined): BerryRc {
  try {
    return text === undefined ? undefined : ((YAML.parse(text) ?? {}) as BerryRc);
  } catch {
    return undefined;
  }
}

function berryRegistry(rcs: BerryRc[], scopeName: string, env: NodeJS.ProcessEnv): string {
  const scoped = rcs.map((rc) => rc?.npmScopes?.[scopeName]?.npmRegistryServer).find((value) => typeof value === 'string');
  const server = env['YARN_NPM_REGISTRY_SERVER'] || rcs.map((rc) => rc?.npmRegistryServer).find((value) => typeof value === 'string');
  const url = String(scoped ?? server ?? BERRY_DEFAULT_REGISTRY);
  return url.endsWith('/') ? url : `${url}/`;
}
