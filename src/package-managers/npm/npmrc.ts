import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ActionError } from '../../util/errors.js';
import { readTextIfExists } from '../../util/files.js';

/** The environment variable npm expands in the config at run time; the file never holds the token itself. */
export const TOKEN_VARIABLE = 'PULUMI_ACCESS_TOKEN';

// Marks our own lines, so a second run in the same job (reading our file as the user config) does not repeat them.
const MARKER = '; setup-pulumi-npm:';
const AUTH_KEYS = new Set(['_authtoken', '_auth', 'username', '_password', 'always-auth']);

/** npm's "nerf dart" for a registry: the key prefix its auth settings live under, e.g. `//npmjs.pulumi.com/`. */
export function registryAuthPrefix(registryUrl: string): string {
  const url = new URL(registryUrl);
  const pathname = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return `//${url.host}${pathname}`;
}

/**
 * The scoped config: the user's own config, minus what would compete with ours (the scope's registry and this
 * registry host's credentials), then our lines. Everything else the user set is kept as written. With `auth`, the
 * line that has npm read the token from the variable (for later steps); without, none (for the action's installs,
 * whose requests the credential proxy authorises).
 */
export function buildScopedNpmrc(userConfig: string, scope: string, registryUrl: string, auth: boolean): string {
  const host = `//${new URL(registryUrl).host}/`;
  const kept = userConfig.split(/\r?\n/).filter((line) => !competesWithScope(line, scope, host));
  while (kept.length && kept[kept.length - 1]!.trim() === '') kept.pop();
  const ours = auth
    ? [
        `${MARKER} the ${scope} scope comes from ${registryUrl};`,
        `${MARKER} npm reads the token from the ${TOKEN_VARIABLE} environment variable when it runs.`,
        `${scope}:registry=${registryUrl}`,
        `${registryAuthPrefix(registryUrl)}:_authToken=\${${TOKEN_VARIABLE}}`,
      ]
    : [`${MARKER} the ${scope} scope comes from ${registryUrl}, through the action's credential proxy.`, `${scope}:registry=${registryUrl}`];
  return [...kept, ...(kept.length ? [''] : []), ...ours, ''].join('\n');
}

function competesWithScope(line: string, scope: string, host: string): boolean {
  if (line.startsWith(MARKER)) return true;
  const key = configKey(line);
  if (key === undefined) return false;
  if (key === `${scope}:registry`) return true;
  if (!key.startsWith(host)) return false;
  const setting = key.slice(key.lastIndexOf(':') + 1).toLowerCase();
  return AUTH_KEYS.has(setting);
}

/** The key of an ini line (`key = value`, optionally quoted), or undefined for comments and blanks. */
export function configKey(line: string): string | undefined {
  const trimmed = line.trim();
  if (!trimmed || trimmed.startsWith(';') || trimmed.startsWith('#')) return undefined;
  const equals = trimmed.indexOf('=');
  const key = (equals === -1 ? trimmed : trimmed.slice(0, equals)).trim();
  return key.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
}

/** The user config npm would read without us: NPM_CONFIG_USERCONFIG (any case), else ~/.npmrc. */
export function userConfigPath(env: NodeJS.ProcessEnv): string | undefined {
  const configured = env['NPM_CONFIG_USERCONFIG'] || env['npm_config_userconfig'];
  if (configured) return configured;
  const home = env['HOME'] || os.homedir();
  return home ? path.join(home, '.npmrc') : undefined;
}

export interface WrittenNpmrc {
  dir: string;
  file: string;
  installFile: string;
  mergedFrom: string | undefined;
}

export interface ScopedNpmrcRequest {
  runnerTemp: string;
  /** The user config npm would otherwise read; its settings are kept. */
  userConfigFile: string | undefined;
  scope: string;
  registryUrl: string;
  /** Hears of the folder as soon as it exists, before anything is written in it (see below). */
  onFolder?: (dir: string) => void;
  /** The file write, replaceable to simulate a full disk in tests. */
  writeFile?: (file: string, text: string, options: { mode: number }) => Promise<void>;
}

/**
 * Writes the scoped config in a folder of its own under RUNNER_TEMP; the user's file is only read. The folder is
 * announced before anything is written in it, so the post step removes it even when the main step is cancelled
 * halfway; a failed write removes it at once.
 */
export async function writeScopedNpmrc(request: ScopedNpmrcRequest): Promise<WrittenNpmrc> {
  const { runnerTemp, userConfigFile, scope, registryUrl, onFolder = () => {}, writeFile = fs.writeFile } = request;
  const userConfig = userConfigFile ? await readUserConfig(userConfigFile) : undefined;
  let dir: string | undefined;
  try {
    await fs.mkdir(runnerTemp, { recursive: true });
    dir = await fs.mkdtemp(path.join(runnerTemp, 'setup-pulumi-npm-'));
    onFolder(dir);
    const file = path.join(dir, '.npmrc');
    const installFile = path.join(dir, 'install.npmrc');
    // 0600: the user's own config may carry credentials for other registries.
    await writeFile(file, buildScopedNpmrc(userConfig ?? '', scope, registryUrl, true), { mode: 0o600 });
    await writeFile(installFile, buildScopedNpmrc(userConfig ?? '', scope, registryUrl, false), { mode: 0o600 });
    return { dir, file, installFile, mergedFrom: userConfig === undefined ? undefined : userConfigFile };
  } catch (error) {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ActionError(
      `Cannot write the npm config under RUNNER_TEMP (${runnerTemp}): ${code}. The runner's temporary folder must be writable and have free space.`,
    );
  }
}

async function readUserConfig(file: string): Promise<string | undefined> {
  try {
    return await readTextIfExists(file);
  } catch (error) {
    throw new ActionError(
      `Cannot read the npm user config ${file} (${(error as NodeJS.ErrnoException).code}): ` +
        `fix its permissions, or point NPM_CONFIG_USERCONFIG at a readable file.`,
    );
  }
}
