import * as path from 'node:path';
import { ActionError } from '../../util/errors.js';
import { withoutToken } from './install-scripts.js';
import type { ManagerContext } from '../types.js';
import { explainNpmFailure } from './npm.js';
import { configKey, TOKEN_VARIABLE } from './npmrc.js';
import { readTextIfExists } from '../../util/files.js';

/** One setting npm applies, as `npm config ls -l` shows it: protected values (credentials) show as "(protected)". */
export interface AppliedSetting {
  key: string;
  value: string;
  /** The file it comes from, 'environment' or 'command line options'. */
  source: string;
}

const SECTION = /^; "[\w-]+" config from (.+)$/;
const PROTECTED = '(protected)';
const TOKEN_REFERENCE = new RegExp(`\\$\\{${TOKEN_VARIABLE}\\??\\}`);

/**
 * The settings in effect, from `npm config ls -l`: each section names its source; lines npm overrode are commented
 * out. Defaults are left out: they never reference the token.
 */
export function appliedSettings(listing: string): AppliedSetting[] {
  const settings: AppliedSetting[] = [];
  let source: string | undefined;
  for (const line of listing.split(/\r?\n/)) {
    const section = SECTION.exec(line);
    if (section) source = section[1] === 'default values' ? undefined : section[1]!;
    else if (source !== undefined && line && !line.startsWith(';')) {
      const equals = line.indexOf(' = ');
      if (equals > 0) settings.push({ key: line.slice(0, equals), value: line.slice(equals + 3), source });
    }
  }
  return settings;
}

/**
 * Asks npm, in each program's folder with the action's config in place, where the scope resolves and which settings
 * would carry the token; fails before any install when that is not `registry-url` alone. npm decides the precedence
 * (project, workspace root, user config, npm_config_* variables); the files are read only to name the line.
 */
export async function checkTokenRouting(npm: ManagerContext, programDirs: string[], scope: string, registryUrl: string): Promise<void> {
  // Any path of the registry's host may have the token: that is where the action's own config sends it.
  const host = `//${new URL(registryUrl).host}/`;
  for (const dir of programDirs) {
    const settings = appliedSettings(await configListing(npm, dir));
    const scopeRoute = settings.findLast((setting) => setting.key === `${scope}:registry`);
    const routedTo = scopeRoute && unquoted(scopeRoute.value);
    if (scopeRoute && withSlash(routedTo!) !== registryUrl) {
      throw new ActionError(
        `${await placeOf(scopeRoute, npm.env)} routes ${scope} to ${routedTo}, not to "registry-url" (${registryUrl}), so the install would ` +
          `take the scope and the token elsewhere. Remove that setting, or set "registry-url" to it if you trust it.`,
      );
    }
    for (const setting of settings) {
      if (setting.key.startsWith(host)) continue;
      const value = setting.value === PROTECTED ? await sourceValue(setting, npm.env) : setting.value;
      if (value === undefined || !TOKEN_REFERENCE.test(value)) continue;
      throw new ActionError(
        `${await placeOf(setting, npm.env)} gives \${${TOKEN_VARIABLE}} to "${setting.key}", which would send the Pulumi access token to ` +
          `${destination(setting.key)}; only ${registryUrl} may receive it. Remove that setting, or give it a credential of its own.`,
      );
    }
  }
}

function unquoted(value: string): string {
  try {
    return String(JSON.parse(value));
  } catch {
    return value;
  }
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** `npm config ls -l` where npm resolves the program's config: a workspace member's from its workspace root. */
async function configListing(npm: ManagerContext, dir: string): Promise<string> {
  // Nothing here needs the token, and without it npm shows a ${PULUMI_ACCESS_TOKEN} reference as written.
  const env = withoutToken(npm.env);
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

function destination(key: string): string {
  return key.startsWith('//') ? key.slice(0, key.lastIndexOf(':')) : `wherever "${key}" points`;
}

/** The value as written where npm took it from: the file's last line of that key, or the npm_config_* variable. */
async function sourceValue(setting: AppliedSetting, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const variable = configVariable(setting.key, env);
  if (setting.source === 'environment') return variable === undefined ? undefined : env[variable];
  const found = await lineOf(setting);
  return found?.value;
}

/** Where a setting is written: `file:line`, or the variable it comes from. */
async function placeOf(setting: AppliedSetting, env: NodeJS.ProcessEnv): Promise<string> {
  if (setting.source === 'environment') return `The variable ${configVariable(setting.key, env) ?? `npm_config_${setting.key}`}`;
  if (setting.source === 'command line options') return `npm's command line option "${setting.key}"`;
  const found = await lineOf(setting);
  return found ? `${setting.source}:${found.line}` : setting.source;
}

function configVariable(key: string, env: NodeJS.ProcessEnv): string | undefined {
  const wanted = `npm_config_${key}`.toLowerCase();
  return Object.keys(env).findLast((name) => name.toLowerCase() === wanted);
}

async function lineOf(setting: AppliedSetting): Promise<{ line: number; value: string } | undefined> {
  const text = await readTextIfExists(setting.source).catch(() => undefined);
  const lines = text?.split(/\r?\n/) ?? [];
  for (let index = lines.length - 1; index >= 0; index--) {
    if (configKey(lines[index]!) !== setting.key) continue;
    const line = lines[index]!;
    return { line: index + 1, value: line.slice(line.indexOf('=') + 1).trim() };
  }
  return undefined;
}
