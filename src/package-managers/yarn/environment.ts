import * as os from 'node:os';
import * as path from 'node:path';
import type { ProxyAccess } from '../types.js';

/** The variable that holds the token in the job: never in a yarn process. */
const TOKEN_VARIABLE = 'PULUMI_ACCESS_TOKEN';

/**
 * Variables the proxy settings replace, compared in lower case: yarn 1 reads npm_config_* in any case, yarn 2+ its
 * YARN_* settings (in upper case; the lower-case test is harmless).
 */
const REPLACED_BY_ACCESS = new Set([
  'npm_config_userconfig',
  'npm_config_https_proxy',
  'npm_config_proxy',
  'npm_config_noproxy',
  'no_proxy',
  'npm_config_cafile',
  'yarn_https_proxy',
  'yarn_http_proxy',
  'yarn_ca_file_path',
  'yarn_https_ca_file_path',
]);

/**
 * The environment of the yarn processes the action starts, for yarn 1 and yarn 2+ alike (which one runs is known
 * only by asking it, in that environment). The token is never in it. With `access`, yarn reaches the routed registry
 * through the credential proxy: proxy variables of both generations outrank a project's config, and HOME is the
 * action's install folder, whose .npmrc/.yarnrc (yarn 1) and .yarnrc.yml (yarn 2+) route the scope and keep the
 * user's own home settings: yarn 2+ reads a map such as `npmScopes` from no variable, only from .yarnrc.yml files.
 * Whatever else lives in the user's home stays where it was: yarn's caches and global folders, git's config.
 */
export function yarnEnvironment(base: NodeJS.ProcessEnv, access: ProxyAccess | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    if (name.startsWith('INPUT_') || name === TOKEN_VARIABLE) continue;
    if (access !== undefined && REPLACED_BY_ACCESS.has(name.toLowerCase())) continue;
    env[name] = value;
  }
  if (access === undefined) return env;
  const userHome = base['HOME'] || os.homedir();
  const installHome = path.dirname(access.configFile);
  Object.assign(env, {
    // Both generations take the home folder from os.homedir(): HOME, or USERPROFILE on Windows.
    HOME: installHome,
    ...(process.platform === 'win32' && { USERPROFILE: installHome }),
    NPM_CONFIG_USERCONFIG: access.configFile,
    npm_config_https_proxy: access.proxyUrl,
    npm_config_proxy: access.proxyUrl,
    npm_config_noproxy: '',
    YARN_HTTPS_PROXY: access.proxyUrl,
    YARN_HTTP_PROXY: access.proxyUrl,
    // Where yarn 2+ (its cache among them) and git find theirs under the user's own home.
    YARN_GLOBAL_FOLDER: base['YARN_GLOBAL_FOLDER'] || path.join(userHome, '.yarn', 'berry'),
    GIT_CONFIG_GLOBAL: base['GIT_CONFIG_GLOBAL'] || path.join(userHome, '.gitconfig'),
  });
  // Yarn 1's cache, ~/.cache/yarn on Linux (other systems keep it where HOME does not move it).
  if (process.platform === 'linux') env['XDG_CACHE_HOME'] = base['XDG_CACHE_HOME'] || path.join(userHome, '.cache');
  if (access.certificates) {
    // Added to Node's roots; a CA file of the runner's (which replaces them) gets a merged copy for both generations.
    env['NODE_EXTRA_CA_CERTS'] = access.certificates.extraCaFile;
    if (access.certificates.caFile) {
      // yarn 4 calls it httpsCaFilePath, yarn 2 and 3 caFilePath; each ignores the other's variable.
      const caFile = access.certificates.caFile;
      Object.assign(env, { npm_config_cafile: caFile, YARN_HTTPS_CA_FILE_PATH: caFile, YARN_CA_FILE_PATH: caFile });
    }
  }
  return env;
}
