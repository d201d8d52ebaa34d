import * as path from 'node:path';
import { userConfigPath } from './npmrc.js';
import { readTextIfExists } from '../../util/files.js';

/** npm's built-in registry, when no config names another. */
export const NPM_DEFAULT_REGISTRY = 'https://registry.npmjs.org/';

/**
 * Where npm resolves `scope` in `programDir` when the action routes nothing: the scope's own `<scope>:registry`,
 * else `registry`, each from the environment (npm_config_*), then the program's .npmrc, then the user's; else npm's
 * default. The same order npm reads them in, without starting npm. ${VARIABLE} references are expanded as npm does.
 */
export async function npmRegistryFor(scope: string, programDir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const files = [path.join(programDir, '.npmrc'), userConfigPath(env)].filter((file): file is string => file !== undefined);
  const layers = [
    environmentLayer(env),
    ...(await Promise.all(files.map(async (file) => parseNpmrc((await readTextIfExists(file).catch(() => '')) ?? '', env)))),
  ];
  for (const key of [`${scope}:registry`, 'registry']) {
    const value = layers.find((layer) => layer.get(key))?.get(key);
    if (value) return value.endsWith('/') ? value : `${value}/`;
  }
  return NPM_DEFAULT_REGISTRY;
}

function environmentLayer(env: NodeJS.ProcessEnv): Map<string, string> {
  const layer = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) {
    if (value && name.toLowerCase().startsWith('npm_config_')) layer.set(name.slice('npm_config_'.length).toLowerCase(), value);
  }
  return layer;
}

/**
 * The key=value lines of an .npmrc (comments and sections left out), with ${VARIABLE} expanded. As npm's `ini` reads
 * them: a lone `\r` ends a line too, and a double-quoted key or value is JSON (`"\u0024{X}"` is `${X}`). Only says
 * where an unrouted scope comes from: no token depends on it.
 */
function parseNpmrc(text: string, env: NodeJS.ProcessEnv): Map<string, string> {
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
