import * as path from 'node:path';
import { userConfigPath } from './npmrc.js';
import { readTextIfExists } from '../../util/files.js';
import { DEFAULT_HOST_REPLACEMENT, NPM_DEFAULT_REGISTRY } from '../../policy/registry-host.js';
import type { RegistryHostReplacement } from '../../policy/types.js';

/** Where npm resolves a scope, and how it rewrites a lockfile's resolved URLs before fetching them. */
export interface NpmConfiguredRegistry {
  url: string;
  hostReplacement: RegistryHostReplacement;
}

/**
 * Where npm resolves `scope` in `programDir` when the action routes nothing: the scope's own `<scope>:registry`,
 * else `registry`, each from the environment (npm_config_*), then the program's .npmrc, then the user's; else npm's
 * default. The same order npm reads them in, without starting npm. ${VARIABLE} references are expanded as npm does.
 * With it, `replace-registry-host` (npm's default `npmjs`) and the `registry` a replaced host becomes.
 */
export async function npmRegistryFor(scope: string, programDir: string, env: NodeJS.ProcessEnv): Promise<NpmConfiguredRegistry> {
  const files = [path.join(programDir, '.npmrc'), userConfigPath(env)].filter((file): file is string => file !== undefined);
  const layers = [
    environmentLayer(env),
    ...(await Promise.all(files.map(async (file) => parseNpmrc((await readTextIfExists(file).catch(() => '')) ?? '', env)))),
  ];
  const setting = (key: string): string | undefined => layers.find((layer) => layer.get(key))?.get(key);
  const asBase = (value: string): string => (value.endsWith('/') ? value : `${value}/`);
  const registry = asBase(setting('registry') ?? NPM_DEFAULT_REGISTRY);
  const scoped = setting(`${scope}:registry`);
  return {
    url: scoped === undefined ? registry : asBase(scoped),
    hostReplacement: { replace: setting('replace-registry-host') ?? DEFAULT_HOST_REPLACEMENT.replace, registry },
  };
}

function environmentLayer(env: NodeJS.ProcessEnv): Map<string, string> {
  const layer = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) {
    if (value && name.toLowerCase().startsWith('npm_config_')) layer.set(configName(name.slice('npm_config_'.length)), value);
  }
  return layer;
}

/** An npm_config_ variable's setting, as npm names it: lower case, an inner `_` read as `-` (npm_config_replace_registry_host). */
function configName(variable: string): string {
  return variable.toLowerCase().replace(/(?!^)_/g, '-');
}

/**
 * The key=value lines of an .npmrc (comments and sections left out), with ${VARIABLE} expanded. As npm's `ini` reads
 * them: a lone `\r` ends a line too, and a double-quoted key or value is JSON (`"\u0024{X}"` is `${X}`). Only says
 * where an unrouted scope comes from: no token depends on it.
 */
export function parseNpmrc(text: string, env: NodeJS.ProcessEnv): Map<string, string> {
  const layer = new Map<string, string>();
  for (const line of text.split(/[\r\n]+/)) {
    const match = /^\s*([^#;=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match) continue;
    const value = unquoted(match[2]!).replace(/\$\{([^}]+)\}/g, (_, name: string) => env[name] ?? '');
    layer.set(unquoted(match[1]!), value);
  }
  return layer;
}

function unquoted(text: string): string {
  if (text.startsWith("'") && text.endsWith("'") && text.length > 1) return text.slice(1, -1);
  if (!text.startsWith('"') || !text.endsWith('"') || text.length < 2) return text;
  try {
    return String(JSON.parse(text));
  } catch {
    return text.slice(1, -1);
  }
}
