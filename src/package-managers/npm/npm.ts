import { ActionError } from '../../util/errors.js';
import type { CommandResult } from '../command.js';
import type { RegistryAuth } from '../types.js';
import { TOKEN_VARIABLE } from './npmrc.js';

/**
 * The environment of the npm processes the action starts: the only place the token goes, and only with the scoped
 * config that routes the scope to a registry (`auth`). Without it, a token in the job's environment (for the Pulumi
 * Cloud backend, say) stays out of npm's.
 */
export function npmEnvironment(base: NodeJS.ProcessEnv, auth: RegistryAuth | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    // Inputs (the token among them) and competing npm settings stay out of the child's environment.
    const lower = name.toLowerCase();
    if (name.startsWith('INPUT_') || name === TOKEN_VARIABLE || lower === 'npm_config_legacy_peer_deps') continue;
    if (auth !== undefined && lower === 'npm_config_userconfig') continue;
    env[name] = value;
  }
  if (auth === undefined) return env;
  env[TOKEN_VARIABLE] = auth.token;
  env['NPM_CONFIG_USERCONFIG'] = auth.configFile;
  return env;
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
  if (result.exitCode === null) {
    return new ActionError(
      `"${what}" in ${where} was killed before it finished (by a signal: out of memory, or the ` +
        `job was cancelled). Run the job again; if it recurs, look for memory use in the log above.`,
    );
  }
  const lead = `"${what}" failed in ${where} (exit code ${result.exitCode})`;
  switch (code) {
    case 'E401':
      return new ActionError(
        `${lead}: the registry rejected the credentials (401). Check the "pulumi-access-token" secret and "registry-url" (${registryUrl}).`,
      );
    case 'E403':
      return new ActionError(`${lead}: access denied (403). The token has no access to a package it needs; use a token of an account that may read the scope.`);
    case 'E404':
      return new ActionError(
        `${lead}: ${notFound ?? 'a package'} was not found (404). Check the name and version ` +
          `in package.json, and that its scope is served by the registry it is routed to.`,
      );
    case 'ERESOLVE':
      return new ActionError(
        `${lead}: npm could not resolve the dependency tree (ERESOLVE). Align the conflicting versions in package.json; npm's explanation is in the log above.`,
      );
    default:
      return new ActionError(`${lead}${code ? ` with npm error ${code}` : ''}. npm's output is in the log above.`);
  }
}
