import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import YAML from 'yaml';
import { ActionError } from '../../util/errors.js';
import { readTextIfExists } from '../../util/files.js';
import { buildScopedNpmrc, userConfigPath } from '../npm/npmrc.js';
import type { ScopedConfig, ScopedConfigRequest } from '../types.js';
import { normalKey } from './classic-config.js';
import { BERRY_RC, CLASSIC_RC } from './files.js';

/** The scope's settings that would compete with the routed registry: the credential proxy authorises its requests. */
const SCOPE_AUTH_KEYS = ['npmAuthToken', 'npmAuthIdent', 'npmAlwaysAuth'];
/** Home settings yarn 2+ reads as paths relative to the .yarnrc.yml that holds them: made absolute in the copy. */
const PATH_KEYS = ['yarnPath', 'cacheFolder', 'globalFolder', 'installStatePath', 'httpsCaFilePath', 'caFilePath', 'httpsCertFilePath', 'httpsKeyFilePath'];

/**
 * Writes yarn's scoped configs in a folder of its own under RUNNER_TEMP; the user's files are only read. For later
 * steps, an .npmrc like npm's (npm and yarn 1 read it through NPM_CONFIG_USERCONFIG, the token from its variable).
 * For the action's installs, `home/`, yarn's HOME while it runs: the user's ~/.npmrc, ~/.yarnrc and ~/.yarnrc.yml,
 * each with the scope routed to the registry and no credential for it (and ~/.yarnrc without its network settings).
 */
export async function writeScopedYarnConfig({ runnerTemp, env, scope, registryUrl, onFolder }: ScopedConfigRequest): Promise<ScopedConfig> {
  const userHome = env['HOME'] || os.homedir();
  const npmrcFile = userConfigPath(env);
  const [npmrc, yarnrc, yarnrcYml] = await Promise.all(
    [npmrcFile, path.join(userHome, CLASSIC_RC), path.join(userHome, BERRY_RC)].map(async (file) => (file ? readUserFile(file) : undefined)),
  );
  let dir: string | undefined;
  try {
    await fs.mkdir(runnerTemp, { recursive: true });
    dir = await fs.mkdtemp(path.join(runnerTemp, 'setup-pulumi-npm-'));
    onFolder(dir);
    const home = path.join(dir, 'home');
    await fs.mkdir(home);
    const file = path.join(dir, '.npmrc');
    const installFile = path.join(home, '.npmrc');
    // 0600: the user's own config may carry credentials for other registries.
    const write = (target: string, text: string) => fs.writeFile(target, text, { mode: 0o600 });
    await write(file, buildScopedNpmrc(npmrc ?? '', scope, registryUrl, true));
    await write(installFile, buildScopedNpmrc(npmrc ?? '', scope, registryUrl, false));
    if (yarnrc !== undefined) await write(path.join(home, CLASSIC_RC), classicRcForInstall(yarnrc, scope));
    await write(path.join(home, BERRY_RC), berryRcWithScope(yarnrcYml ?? '', userHome, scope, registryUrl));
    const kept = [npmrc === undefined ? undefined : npmrcFile, yarnrc === undefined ? undefined : path.join(userHome, CLASSIC_RC)];
    kept.push(yarnrcYml === undefined ? undefined : path.join(userHome, BERRY_RC));
    const mergedFrom = kept.filter(Boolean).join(', ') || undefined;
    return { dir, file, installFile, mergedFrom, variables: { NPM_CONFIG_USERCONFIG: file } };
  } catch (error) {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
    if (error instanceof ActionError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ActionError(
      `Cannot write the yarn config under RUNNER_TEMP (${runnerTemp}): ${code}. The runner's temporary folder must be writable and have free space.`,
    );
  }
}

/** The user's ~/.yarnrc.yml with `npmScopes.<scope>` pointed at the registry, its other settings (and comments) kept. */
export function berryRcWithScope(userRc: string, userHome: string, scope: string, registryUrl: string): string {
  const document = userRc.trim() ? YAML.parseDocument(userRc) : new YAML.Document({});
  if (document.errors.length || !YAML.isMap(document.contents)) {
    const why = document.errors[0]?.message ?? 'it holds no map of settings';
    throw new ActionError(`${path.join(userHome, BERRY_RC)} cannot be read as yarn's config (${why}): fix it, or remove it.`);
  }
  for (const key of PATH_KEYS) {
    const value = document.get(key);
    if (typeof value === 'string' && !path.isAbsolute(value)) document.set(key, path.resolve(userHome, value));
  }
  // Yarn 2+ keeps its global folder, and its cache, under the home folder (but on Windows): the user's stays in use.
  if (!document.has('globalFolder') && process.platform !== 'win32') document.set('globalFolder', path.join(userHome, '.yarn', 'berry'));
  const name = scope.replace(/^@/, '');
  const kept = document.getIn(['npmScopes', name]);
  const settings = YAML.isMap(kept) ? (kept.toJSON() as Record<string, unknown>) : {};
  for (const key of SCOPE_AUTH_KEYS) delete settings[key];
  document.setIn(['npmScopes', name], { ...settings, npmRegistryServer: registryUrl });
  return document.toString();
}

/**
 * The user's ~/.yarnrc without a registry of its own for the scope, nor a proxy or CA file: yarn 1 prefers these to
 * npm's variables, which name the credential proxy (itself going through the runner's proxy, with its roots).
 */
function classicRcForInstall(userRc: string, scope: string): string {
  const replaced = new Set([normalKey(`${scope}:registry`), 'proxy', 'httpsproxy', 'cafile', 'ca']);
  return userRc
    .split(/\r?\n/)
    .filter((line) => {
      const key = /^\s*"?([^"\s]+)"?\s/.exec(line)?.[1];
      return key === undefined || !replaced.has(normalKey(key));
    })
    .join('\n');
}

async function readUserFile(file: string): Promise<string | undefined> {
  try {
    return await readTextIfExists(file);
  } catch (error) {
    throw new ActionError(`Cannot read ${file} (${(error as NodeJS.ErrnoException).code}): fix its permissions.`);
  }
}
