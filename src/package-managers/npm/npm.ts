import { ActionError } from '../../util/errors.js';
import type { CommandResult } from '../command.js';
import { failures } from '../failures.js';
import type { ProxyAccess } from '../types.js';
import { TOKEN_VARIABLE } from './npmrc.js';
import { networkFailureError } from '../network-failures.js';

/** Variables the proxy settings replace in npm's environment, compared in lower case (npm reads npm_config_* in any case). */
const REPLACED_BY_ACCESS = new Set([
  'npm_config_userconfig',
  'npm_config_https_proxy',
  'npm_config_proxy',
  'npm_config_noproxy',
  'no_proxy',
  'npm_config_cafile',
]);

/**
 * npm's retries of a request that failed (a 5xx, a reset connection), bounded: its defaults wait 10 s, then 60 s, so
 * a registry that fails took 70 s a request and 141 s an install. These wait 1 s, then 2 s: an install fails within
 * seconds of the registry's first failure (7 s for 400 tarballs). pnpm, which reads them too, gets tighter ones
 * (pnpm/environment.ts). The job's own variables, when it sets them, win.
 */
const BOUNDED_RETRIES: Record<string, string> = {
  npm_config_fetch_retries: '2',
  npm_config_fetch_retry_factor: '2',
  npm_config_fetch_retry_mintimeout: '1000',
  npm_config_fetch_retry_maxtimeout: '4000',
};

/**
 * The environment of the npm processes the action starts. The token is never in it (nor in any config npm reads):
 * with `access`, npm reaches the routed registry through the credential proxy, which adds the token itself. Proxy
 * settings in the environment outrank a project's .npmrc; an empty `noproxy` and no NO_PROXY send every request
 * through the proxy (the proxy honours the runner's NO_PROXY itself).
 */
export function npmEnvironment(base: NodeJS.ProcessEnv, access: ProxyAccess | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    // Inputs (the token among them) and competing npm settings stay out of the child's environment.
    const lower = name.toLowerCase();
    if (name.startsWith('INPUT_') || name === TOKEN_VARIABLE || lower === 'npm_config_legacy_peer_deps') continue;
    if (access !== undefined && REPLACED_BY_ACCESS.has(lower)) continue;
    env[name] = value;
  }
  Object.assign(env, unsetByJob(env, BOUNDED_RETRIES));
  if (access === undefined) return env;
  Object.assign(env, {
    NPM_CONFIG_USERCONFIG: access.configFile,
    npm_config_https_proxy: access.proxyUrl,
    npm_config_proxy: access.proxyUrl,
    npm_config_noproxy: '',
  });
  if (access.certificates) {
    // Added to Node's roots; npm's `cafile`, when the runner sets one, replaces them, so it gets a merged copy too.
    env['NODE_EXTRA_CA_CERTS'] = access.certificates.extraCaFile;
    if (access.certificates.caFile) env['npm_config_cafile'] = access.certificates.caFile;
  }
  return env;
}

/** The `settings` (npm_config_* names in lower case) the job's environment does not set in any case: the job's win. */
export function unsetByJob(base: NodeJS.ProcessEnv, settings: Record<string, string>): Record<string, string> {
  const set = new Set(Object.keys(base).map((name) => name.toLowerCase()));
  return Object.fromEntries(Object.entries(settings).filter(([name]) => !set.has(name)));
}

/**
 * The install's environment when packages are linked: npm 7+ installs peerDependencies, so a program that declares
 * `pulumi` as a peer (as the docs require) would fetch it from the registry: a 404, or an unrelated public package.
 * npm link then puts the link in, and satisfies the peers.
 */
export function withoutPeerInstall(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, npm_config_legacy_peer_deps: 'true' };
}

/** Turns npm's error codes into a sentence the user can act on. */
export function explainNpmFailure(what: string, where: string, result: CommandResult, registryUrl: string): ActionError {
  const output = `${result.stderr}\n${result.stdout}`;
  const code = /npm (?:error|ERR!) code (E\w+)/.exec(output)?.[1];
  // npm 11: "The requested resource 'x@^1' could not be found …"; older npm: "'x@^1' is not in this registry".
  const notFound =
    /npm (?:error|ERR!) 404 .*?'([^'\s]+)' (?:could not be found|is not in this registry)/.exec(output)?.[1] ??
    /npm (?:error|ERR!) 404 Not Found - GET (\S+)/.exec(output)?.[1];
  if (result.exitCode === null) return failures.killed(what, where);
  const lead = `"${what}" failed in ${where} (exit code ${result.exitCode})`;
  // An install script that fails: npm names the package's folder and the script's command line.
  const script = /npm (?:error|ERR!) command failed\r?\n(?:npm (?:error|ERR!) )?command (.+)/.exec(output)?.[1];
  if (script) {
    const folder = /npm (?:error|ERR!) path (.+)/.exec(output)?.[1];
    return failures.scriptFailed(lead, folder, ` (${script.trim()})`);
  }
  switch (code) {
    case 'E401':
      return failures.unauthorized(lead, registryUrl);
    case 'E403':
      return failures.forbidden(lead);
    case 'E404':
      return failures.notFound(lead, notFound, '404', registryUrl);
    case 'ERESOLVE':
      return new ActionError(
        `${lead}: npm could not resolve the dependency tree (ERESOLVE). Align the conflicting versions in package.json; npm's explanation is in the log above.`,
      );
    default:
      return networkFailureError(lead, output, 'npm') ?? new ActionError(`${lead}${code ? ` with npm error ${code}` : ''}. npm's output is in the log above.`);
  }
}
