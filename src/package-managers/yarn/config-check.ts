import * as os from 'node:os';
import * as path from 'node:path';
import { readFile } from 'node:fs/promises';
import YAML from 'yaml';
import { ActionError } from '../../util/errors.js';
import type { ManagerContext, RunnerNetwork } from '../types.js';
import { berryConfig, sourceFiles, type BerrySetting } from './berry-config.js';
import { folderSettings, normalKey, projectFolders, type ClassicSetting } from './classic-config.js';
import { BERRY_RC, isBerry } from './files.js';
import { yarnVersion } from './version.js';

const REMOVE = 'Remove it: the action installs through a proxy of its own, which adds the token for registry-url alone.';
const RUNNER_PROXY = "A runner's own proxy goes in the user's home config or the job's variables.";

/**
 * Asks, in each program, whether the repository's yarn config would take the install around the credential proxy
 * (another proxy, certificate roots of its own, the certificate check off) or the scope to another registry; throws
 * naming the setting and the file. Yarn 2+ says itself where each setting comes from (`yarn config --json`); yarn 1
 * has no such listing, so its .npmrc and .yarnrc files are read. Returns the runner's own network settings (the
 * user's home config and the job's variables), which the credential proxy honours.
 */
export async function checkProxyRouting(context: ManagerContext, programDirs: string[], scope: string, registryUrl: string): Promise<RunnerNetwork> {
  const userHome = context.env['HOME'] || os.homedir();
  let network: RunnerNetwork = {};
  for (const [index, dir] of programDirs.entries()) {
    const where = path.basename(dir) || dir;
    const version = await yarnVersion(context, dir);
    const found = isBerry(version)
      ? await checkBerry(await berryConfig(context, dir, where), path.join(userHome, BERRY_RC), scope, registryUrl, version)
      : await checkClassic(context.env, dir, userHome, scope, registryUrl);
    if (index === 0) network = found;
  }
  return network;
}

async function checkBerry(settings: Map<string, BerrySetting>, homeRc: string, scope: string, registryUrl: string, version: string): Promise<RunnerNetwork> {
  if (new URL(registryUrl).protocol === 'http:') {
    throw new ActionError(
      `yarn ${version} reaches a registry through a proxy by a CONNECT tunnel, even an http:// one, and the credential proxy ` +
        `adds the token only to the https:// registry it intercepts: set "registry-url" to the registry's https:// address.`,
    );
  }
  const fromProject = (setting: BerrySetting | undefined) => sourceFiles(setting).filter((file) => file !== homeRc);
  for (const key of ['httpProxy', 'httpsProxy', 'httpsCaFilePath', 'caFilePath', 'enableStrictSsl']) {
    const setting = settings.get(key);
    const file = fromProject(setting)[0];
    if (file && !(key === 'enableStrictSsl' && setting?.effective !== false)) throw new ActionError(`${file} ${problem(key, setting?.effective)}`);
  }
  const name = scope.replace(/^@/, '');
  for (const file of new Set([...fromProject(settings.get('npmScopes')), ...fromProject(settings.get('networkSettings'))])) {
    const rc = (YAML.parse(await readFile(file, 'utf8')) ?? {}) as { npmScopes?: Record<string, { npmRegistryServer?: unknown }>; networkSettings?: unknown };
    const server = rc.npmScopes?.[name]?.npmRegistryServer;
    if (typeof server === 'string' && withSlash(server) !== registryUrl)
      throw new ActionError(`${file} ${scopeProblem(`npmScopes.${name}.npmRegistryServer`, server, scope, registryUrl)}`);
    for (const [glob, network] of Object.entries((rc.networkSettings ?? {}) as Record<string, Record<string, unknown>>)) {
      const key = ['httpProxy', 'httpsProxy', 'httpsCaFilePath'].find((setting) => network?.[setting]);
      if (key && globMatches(glob, new URL(registryUrl).hostname))
        throw new ActionError(`${file} ${problem(`networkSettings."${glob}".${key}`, network[key])}`);
    }
  }
  const runner = (key: string) => {
    const setting = settings.get(key);
    return setting && fromProject(setting).length === 0 && typeof setting.effective === 'string' && setting.effective ? setting.effective : undefined;
  };
  const [httpsProxy, httpProxy, caFile] = [runner('httpsProxy'), runner('httpProxy'), runner('httpsCaFilePath') ?? runner('caFilePath')];
  return { ...(httpsProxy && { httpsProxy }), ...(httpProxy && { httpProxy }), ...(caFile && { caFile }) };
}

async function checkClassic(env: NodeJS.ProcessEnv, dir: string, userHome: string, scope: string, registryUrl: string): Promise<RunnerNetwork> {
  for (const folder of projectFolders(dir, userHome)) {
    for (const setting of await folderSettings(folder)) {
      const key = normalKey(setting.key);
      const found =
        key === normalKey(`${scope}:registry`) && withSlash(setting.value) !== registryUrl
          ? scopeProblem(setting.key, setting.value, scope, registryUrl)
          : ['proxy', 'httpsproxy', 'cafile', 'ca'].includes(key) || (key === 'strictssl' && setting.value === 'false')
            ? problem(setting.key, setting.value)
            : undefined;
      if (found) throw new ActionError(`${setting.file} ${found}`);
    }
  }
  // The runner's own: the job's YARN_* variables (yarn 1's .yarnrc settings) and npm_config_* ones, then the home config.
  const variables: ClassicSetting[] = Object.entries(env).flatMap(([name, value]) => {
    const prefix = /^(yarn|npm_config)_/i.exec(name)?.[0];
    return value && prefix ? [{ file: '', key: name.slice(prefix.length), value }] : [];
  });
  // Yarn 1 prefers .yarnrc to .npmrc, and a later line to an earlier one.
  const settings = [...variables, ...(await folderSettings(userHome)).reverse()];
  const first = (key: string) => settings.find((setting) => normalKey(setting.key) === key)?.value || undefined;
  const [httpsProxy, httpProxy, noProxy, caFile] = [first('httpsproxy'), first('proxy'), first('noproxy'), first('cafile')];
  return { ...(httpsProxy && { httpsProxy }), ...(httpProxy && { httpProxy }), ...(noProxy && { noProxy }), ...(caFile && { caFile }) };
}

function problem(key: string, value: unknown): string {
  const normal = normalKey(key.split('.').pop()!);
  if (normal.endsWith('proxy')) {
    return `sets "${key}" to ${JSON.stringify(value)}: the repository may not choose the install's proxy. ${REMOVE} ${RUNNER_PROXY}`;
  }
  if (normal === 'strictssl' || normal === 'enablestrictssl') {
    return `sets "${key}" to false: the repository may not turn off yarn's certificate check. ${REMOVE}`;
  }
  const runnerRoots = "A runner's own roots go in NODE_EXTRA_CA_CERTS or the user's home config.";
  return `sets "${key}": yarn would trust those certificates alone, and refuse the action's proxy. ${REMOVE} ${runnerRoots}`;
}

function scopeProblem(key: string, value: string, scope: string, registryUrl: string): string {
  return (
    `sets "${key}" to ${value}, not to "registry-url" (${registryUrl}), so the install would not get ${scope} from the registry ` +
    `the token is for. Remove that setting, or set "registry-url" to it if you trust it.`
  );
}

/** Yarn 2+'s hostname glob (micromatch's `*` and `?`, which is all a hostname pattern needs). */
function globMatches(glob: string, hostname: string): boolean {
  const pattern = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${pattern}$`, 'i').test(hostname);
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
