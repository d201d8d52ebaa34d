import * as path from 'node:path';
import { ActionError } from '../../util/errors.js';
import { readTextIfExists } from '../../util/files.js';
import type { RegistryHostReplacement } from '../../policy/types.js';
import { npmRegistryFor, parseNpmrc } from '../npm/configured-registry.js';
import type { ManagerContext, RunnerNetwork } from '../types.js';
import { globalBunfig, projectBunfig, readBunfigInstall, type BunfigInstall } from './bunfig.js';

/** The variables bun takes its default registry from, in its order; they outrank every config file. */
const REGISTRY_VARIABLES = ['BUN_CONFIG_REGISTRY', 'NPM_CONFIG_REGISTRY', 'npm_config_registry'];

/**
 * Where bun resolves `scope` in `programDir`, in the order measured with bun 1.4: the scope in the program's
 * bunfig.toml, in the global one, in the program's .npmrc, in the user's (NPM_CONFIG_USERCONFIG or ~/.npmrc); else
 * the default registry: BUN_CONFIG_REGISTRY / NPM_CONFIG_REGISTRY, the bunfigs', the .npmrc files'. bun fetches a
 * lockfile's URLs as written: it replaces no registry host. A bunfig bun cannot read counts as absent here.
 */
export async function bunRegistryFor(
  bun: ManagerContext,
  scope: string,
  programDir: string,
  env: NodeJS.ProcessEnv,
): Promise<{ url: string; hostReplacement: RegistryHostReplacement }> {
  const bunfigs = await Promise.all([projectBunfig(programDir), globalBunfig(env)].map((file) => readBunfigInstall(bun, file).catch(() => undefined)));
  // npm's reading of the .npmrc files, without the npm_config_* variables bun does not read.
  const npmrcEnv = Object.fromEntries(Object.entries(env).filter(([name]) => !/^npm_config_(?!userconfig$)/i.test(name)));
  const npmrc = await npmRegistryFor(scope, programDir, npmrcEnv);
  const npmrcScope = npmrc.url === npmrc.hostReplacement.registry ? undefined : npmrc.url;
  const variable = REGISTRY_VARIABLES.map((name) => env[name]).find(Boolean);
  const registry = withSlash(variable ?? bunfigs.map((config) => config?.registry).find(Boolean) ?? npmrc.hostReplacement.registry);
  const scoped = bunfigs.map((config) => config?.scopes[scope]).find(Boolean) ?? npmrcScope;
  return { url: scoped === undefined ? registry : withSlash(scoped), hostReplacement: { replace: 'never', registry } };
}

/**
 * Reads, for each program, the config of the repository's that bun would follow around the credential proxy or with
 * the scope elsewhere, and the runner's global bunfig, which outranks the action's own config: throws naming the
 * file and the setting. bun takes no proxy from any file (only HTTP_PROXY/HTTPS_PROXY, which the credential proxy
 * honours itself), so the runner's network is the environment's: nothing to return.
 */
export async function checkBunProxyRouting(bun: ManagerContext, programDirs: string[], scope: string, registryUrl: string): Promise<RunnerNetwork> {
  const global = await readBunfigInstall(bun, globalBunfig(bun.env));
  const elsewhere = global && scopeElsewhere(global.scopes[scope], scope, registryUrl);
  if (global && elsewhere) throw new ActionError(`${global.file} ${elsewhere} It outranks the action's config for bun.`);
  for (const dir of programDirs) {
    const bunfig = await readBunfigInstall(bun, projectBunfig(dir));
    if (bunfig) checkProjectSettings(bunfig.file, bunfig.scopes[scope], bunfig.certificates, scope, registryUrl);
    const npmrcFile = path.join(dir, '.npmrc');
    const npmrc = parseNpmrc((await readTextIfExists(npmrcFile)) ?? '', {});
    const certificates = npmrc.has('cafile') ? 'cafile' : npmrc.has('ca') ? 'ca' : undefined;
    checkProjectSettings(npmrcFile, npmrc.get(`${scope}:registry`), certificates, scope, registryUrl);
  }
  return {};
}

function checkProjectSettings(file: string, scoped: string | undefined, certificates: BunfigInstall['certificates'], scope: string, registryUrl: string): void {
  const elsewhere = scopeElsewhere(scoped, scope, registryUrl);
  if (elsewhere) throw new ActionError(`${file} ${elsewhere}`);
  if (certificates) {
    throw new ActionError(
      `${file} sets "${certificates}": bun would trust those certificates alone, and refuse the action's proxy. ` +
        'Remove it: the action installs through a proxy of its own, which adds the token for registry-url alone. ' +
        "A runner's own roots go in NODE_EXTRA_CA_CERTS.",
    );
  }
}

function scopeElsewhere(scoped: string | undefined, scope: string, registryUrl: string): string | undefined {
  if (scoped === undefined || withSlash(scoped) === registryUrl) return undefined;
  return (
    `routes ${scope} to ${scoped}, not to "registry-url" (${registryUrl}), so the install would not get the scope from the registry ` +
    'the token is for. Remove that setting, or set "registry-url" to it if you trust it.'
  );
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
