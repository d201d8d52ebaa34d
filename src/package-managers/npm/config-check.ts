import * as path from 'node:path';
import { ActionError } from '../../util/errors.js';
import type { ManagerContext, RunnerNetwork } from '../types.js';
import { explainNpmFailure } from './npm.js';

/** One line of `npm config ls -l`: a setting of one config layer, whether or not a later layer overrides it. */
export interface ListedSetting {
  key: string;
  /** As npm prints it: JSON (`"http://…"`, `false`, `null`, `[""]`), or `(protected)` for a credential. */
  value: string;
  /** The layer: default, builtin, global, user, project, env, cli. */
  layer: string;
  /** The file it comes from, or npm's name for the layer ("environment", "command line options"). */
  source: string;
  overridden: boolean;
}

const SECTION = /^; "([\w-]+)" config from (.+)$/;
const SETTING = /^(; )?(.+?) = (.*?)( ; overridden by [\w-]+)?$/;
/** What the runner's own network is made of: the proxy npm uses and the roots it trusts. */
const NETWORK_KEYS = ['https-proxy', 'proxy', 'noproxy', 'cafile'] as const;

/** Every setting of every layer but the defaults, in npm's order (later layers win), from `npm config ls -l`. */
export function listedSettings(listing: string): ListedSetting[] {
  const settings: ListedSetting[] = [];
  let section: { layer: string; source: string } | undefined;
  for (const line of listing.split(/\r?\n/)) {
    const header = SECTION.exec(line);
    if (header) section = header[1] === 'default' ? undefined : { layer: header[1]!, source: header[2]! };
    const setting = header || !section ? undefined : SETTING.exec(line);
    if (!setting || !section || (setting[1] !== undefined) !== (setting[4] !== undefined)) continue;
    settings.push({ key: setting[2]!, value: setting[3]!, ...section, overridden: setting[1] !== undefined });
  }
  return settings;
}

/**
 * Asks npm, in each program's folder, for the settings a repository's own config (the project's .npmrc, or its
 * workspace root's) gives that would take the install around the credential proxy, or the scope elsewhere: another
 * proxy, certificate roots of its own, the certificate check off, another registry for the scope. The token could
 * not leak that way (npm never holds it), but the install would fail confusingly: fail first, naming the setting and
 * the file. npm parses its config itself; nothing here reads a config file. Returns the runner's own network settings
 * (its user and global config, its npm_config_* variables), which the credential proxy then honours.
 */
export async function checkProxyRouting(npm: ManagerContext, programDirs: string[], scope: string, registryUrl: string): Promise<RunnerNetwork> {
  let network: RunnerNetwork = {};
  for (const [index, dir] of programDirs.entries()) {
    const settings = listedSettings(await configListing(npm, dir));
    for (const setting of settings) {
      // The environment outranks the action's config too: there, only another route for the scope is a problem.
      const problem =
        setting.layer === 'project'
          ? projectProblem(setting, scope, registryUrl)
          : setting.layer === 'env'
            ? scopeProblem(setting, scope, registryUrl)
            : undefined;
      if (problem) throw new ActionError(`${setting.layer === 'env' ? `The variable npm_config_${setting.key}` : setting.source} ${problem}`);
    }
    // The user, global and environment layers are the same for every program.
    if (index === 0) network = runnerNetwork(settings);
  }
  return network;
}

function projectProblem({ key, value }: ListedSetting, scope: string, registryUrl: string): string | undefined {
  const written = jsonValue(value);
  const remove = 'Remove it: the action installs through a proxy of its own, which adds the token for registry-url alone.';
  if (key === 'proxy' || key === 'https-proxy') {
    const runnerWay = "A runner's own proxy goes in its user config or HTTPS_PROXY.";
    return `sets "${key}" to ${written}: the repository may not choose the install's proxy. ${remove} ${runnerWay}`;
  }
  if (key === 'cafile' || key === 'ca') {
    const runnerWay = "A runner's own roots go in NODE_EXTRA_CA_CERTS or its user config.";
    return `sets "${key}": npm would trust those certificates alone, and refuse the action's proxy. ${remove} ${runnerWay}`;
  }
  if (key === 'strict-ssl' && written === false) {
    return `sets "strict-ssl" to false: the repository may not turn off npm's certificate check. ${remove}`;
  }
  return scopeProblem({ key, value }, scope, registryUrl);
}

function scopeProblem({ key, value }: Pick<ListedSetting, 'key' | 'value'>, scope: string, registryUrl: string): string | undefined {
  const written = jsonValue(value);
  if (key === `${scope}:registry` && typeof written === 'string' && withSlash(written) !== registryUrl) {
    return (
      `routes ${scope} to ${written}, not to "registry-url" (${registryUrl}), so the install would not get the scope from the registry ` +
      `the token is for. Remove that setting, or set "registry-url" to it if you trust it.`
    );
  }
  return undefined;
}

/** The proxy and roots npm would use on this runner without the action: the last layer that sets each, but the project. */
function runnerNetwork(settings: ListedSetting[]): RunnerNetwork {
  const effective = (key: string): string | undefined => {
    const setting = settings.findLast((listed) => listed.key === key && listed.layer !== 'project');
    const value = setting && jsonValue(setting.value);
    const text = Array.isArray(value) ? value.join(',') : value;
    return typeof text === 'string' && text ? text : undefined;
  };
  const [httpsProxy, httpProxy, noProxy, caFile] = NETWORK_KEYS.map(effective);
  return { ...(httpsProxy && { httpsProxy }), ...(httpProxy && { httpProxy }), ...(noProxy && { noProxy }), ...(caFile && { caFile }) };
}

function jsonValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** `npm config ls -l` where npm resolves the program's config: a workspace member's from its workspace root. */
async function configListing(npm: ManagerContext, dir: string): Promise<string> {
  const { env } = npm;
  let cwd = dir;
  let result = await npm.run('npm', ['config', 'ls', '-l'], { cwd, env, quiet: true });
  if (result.exitCode !== 0 && /ENOWORKSPACES/.test(result.stderr)) {
    // npm config refuses to run in a workspace member: ask in the folder npm takes as its project, the root.
    const prefix = await npm.run('npm', ['prefix'], { cwd, env, quiet: true });
    cwd = prefix.stdout.trim() || dir;
    result = await npm.run('npm', ['config', 'ls', '-l'], { cwd, env, quiet: true });
  }
  if (result.exitCode !== 0) throw explainNpmFailure('npm config ls -l', path.basename(dir) || dir, result, npm.registryUrl);
  return result.stdout;
}
