import * as os from 'node:os';
import * as path from 'node:path';
import { npmEnvironment } from '../npm/npm.js';
import type { ProxyAccess } from '../types.js';

/**
 * Yarn's own network variables, which the proxy settings replace. Yarn 2+ refuses a YARN_* variable it does not know
 * (YARN_PROXY, YARN_CAFILE, yarn 2's YARN_CA_FILE_PATH in yarn 4): only its own names are set, and yarn 1 (which reads
 * YARN_HTTPS_PROXY as its https-proxy) gets the rest from npm's variables.
 */
const YARN_NETWORK = ['YARN_PROXY', 'YARN_HTTPS_PROXY', 'YARN_HTTP_PROXY', 'YARN_CAFILE', 'YARN_HTTPS_CA_FILE_PATH', 'YARN_CA_FILE_PATH'];

/**
 * The environment of the yarn processes the action starts, for yarn 1 and yarn 2+ alike (which one runs is known
 * only by asking it, in that environment). Yarn 1 reads npm's config and npm_config_* variables: npm's environment is
 * its own, without the token. With `access`, yarn 2+'s YARN_* proxy variables name the credential proxy too (they
 * outrank a project's .yarnrc.yml), and HOME is the action's install folder, whose .npmrc/.yarnrc (yarn 1) and
 * .yarnrc.yml (yarn 2+) route the scope and keep the user's own home settings: yarn 2+ reads a map such as
 * `npmScopes` from no variable, only from .yarnrc.yml files. What else lives in the user's home stays where it was:
 * yarn 1's cache and git's config here, yarn 2+'s global folder (its cache) in that .yarnrc.yml.
 */
export function yarnEnvironment(base: NodeJS.ProcessEnv, access: ProxyAccess | undefined): NodeJS.ProcessEnv {
  if (access === undefined) return npmEnvironment(base, undefined);
  const env = npmEnvironment(Object.fromEntries(Object.entries(base).filter(([name]) => !YARN_NETWORK.includes(name))), access);
  const userHome = base['HOME'] || os.homedir();
  const installHome = path.dirname(access.configFile);
  Object.assign(env, {
    // Both generations take the home folder from os.homedir(): HOME, or USERPROFILE on Windows.
    HOME: installHome,
    ...(process.platform === 'win32' && { USERPROFILE: installHome }),
    YARN_HTTPS_PROXY: access.proxyUrl,
    YARN_HTTP_PROXY: access.proxyUrl,
    GIT_CONFIG_GLOBAL: base['GIT_CONFIG_GLOBAL'] || path.join(userHome, '.gitconfig'),
  });
  // Yarn 1's cache, ~/.cache/yarn on Linux (other systems keep it where HOME does not move it).
  if (process.platform === 'linux') env['XDG_CACHE_HOME'] = base['XDG_CACHE_HOME'] || path.join(userHome, '.cache');
  const caFile = access.certificates?.caFile;
  if (caFile) env['YARN_HTTPS_CA_FILE_PATH'] = caFile;
  return env;
}

/**
 * The install's environment for yarn 2+ at `version`, its retries bounded: yarn 2+ fetches every package of the
 * lockfile before it gives up, 50 at a time, each failed one retried 3 times (backing off 1, 2, then 4 s), so 400
 * tarballs from a registry that answers 500 took 94 s. One retry fails them within 15 s; a registry that blinks still
 * gets its second chance. The job's own YARN_HTTP_RETRY wins (a .yarnrc.yml's httpRetry does not, as npm's
 * variables outrank its .npmrc). Releases before 2.4, of which some have no httpRetry and would refuse the variable,
 * get none (2.4.2, the first yarn 2 on npm, reads it).
 */
export function withBerryRetries(env: NodeJS.ProcessEnv, version: string): NodeJS.ProcessEnv {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  if (env['YARN_HTTP_RETRY'] !== undefined || major < 2 || (major === 2 && minor < 4)) return env;
  return { ...env, YARN_HTTP_RETRY: '1' };
}
