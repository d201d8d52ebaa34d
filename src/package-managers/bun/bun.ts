import { ActionError } from '../../util/errors.js';
import { failures } from '../failures.js';
import type { CommandResult } from '../command.js';
import type { ProxyAccess } from '../types.js';
import { TOKEN_VARIABLE } from '../npm/npmrc.js';
import { networkFailureError } from '../network-failures.js';

/** Variables the proxy settings replace in bun's environment, compared in lower case (bun reads both cases). */
const REPLACED_BY_ACCESS = new Set(['http_proxy', 'https_proxy', 'no_proxy', 'npm_config_userconfig']);

/**
 * The environment of the bun processes the action starts: never the inputs or the token. With `access`, bun reaches
 * the routed registry through the credential proxy. Measured with bun 1.4: bun takes its proxy from HTTP_PROXY and
 * HTTPS_PROXY alone (in either case; it ignores an .npmrc's proxy settings) and honours NO_PROXY, so an empty NO_PROXY
 * sends every request through the proxy (which honours the runner's NO_PROXY itself); it reads its user .npmrc from
 * NPM_CONFIG_USERCONFIG, which the action's install config (the scope routed, no auth line) replaces; it trusts
 * NODE_EXTRA_CA_CERTS beside its own roots. `bun install` also loads the program's .env files, whose variables count
 * only where the environment has none of that name (in that case): so each is set here, in both cases, even empty.
 */
export function bunEnvironment(base: NodeJS.ProcessEnv, access: ProxyAccess | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    if (name.startsWith('INPUT_') || name === TOKEN_VARIABLE) continue;
    if (access !== undefined && REPLACED_BY_ACCESS.has(name.toLowerCase())) continue;
    env[name] = value;
  }
  if (access === undefined) return env;
  const settings: Record<string, string> = {
    NPM_CONFIG_USERCONFIG: access.configFile,
    HTTP_PROXY: access.proxyUrl,
    HTTPS_PROXY: access.proxyUrl,
    NO_PROXY: '',
  };
  for (const [name, value] of Object.entries(settings)) env[name] = env[name.toLowerCase()] = value;
  if (access.certificates) env['NODE_EXTRA_CA_CERTS'] = access.certificates.extraCaFile;
  return env;
}

/**
 * Turns bun's error lines into a sentence the user can act on. `configuredRegistry`: the registry bun was set to use,
 * for a network failure its output names no host of (bun names the package alone).
 */
export function explainBunFailure(what: string, where: string, result: CommandResult, registryUrl: string, configuredRegistry?: string): ActionError {
  if (result.exitCode === null) return failures.killed(what, where);
  const output = `${result.stderr}\n${result.stdout}`;
  const lead = `"${what}" failed in ${where} (exit code ${result.exitCode})`;
  if (/^error: lockfile had changes, but lockfile is frozen/m.test(output)) {
    const change = /^note: (dependencies in package\.json changed since .+)$/m.exec(output)?.[1];
    return new ActionError(
      `${lead}: package.json and the lockfile disagree${change ? ` (${change})` : ''}. Run "bun install" and commit the updated bun.lock.`,
    );
  }
  const script = /^error: (\S+) script from "([^"]+)" exited with (\d+)/m.exec(output);
  if (script) {
    return new ActionError(
      `${lead}: the ${script[1]} script of "${script[2]}" failed (exit code ${script[3]}). Its output is in the log above; "ignore-scripts: true" runs none.`,
    );
  }
  const http = /^error: GET (\S+) - (\d{3})$/m.exec(output);
  const failed = /^error: (\S+) failed to resolve$/m.exec(output)?.[1];
  switch (http?.[2]) {
    case '401':
      return failures.unauthorized(`${lead}, fetching ${http[1]}`, registryUrl);
    case '403':
      return failures.forbidden(`${lead}, fetching ${http[1]}`);
    case '404':
      return failures.notFound(lead, failed ?? http[1], `404 for ${http[1]}`, registryUrl);
  }
  const network = networkFailureError(lead, output, 'bun', configuredRegistry);
  if (network) return network;
  const unreachable = /^error: (\w+) downloading (?:package manifest|tarball) (\S+)/m.exec(output);
  if (unreachable) {
    return new ActionError(`${lead}: bun could not download ${unreachable[2]} (${unreachable[1]}). Check that the registry is reachable from the runner.`);
  }
  const first = /^error: (.+)$/m.exec(output)?.[1];
  return new ActionError(`${lead}${first ? `: ${first.trim()}` : ''}. bun's output is in the log above.`);
}
