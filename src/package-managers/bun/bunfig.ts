import * as os from 'node:os';
import * as path from 'node:path';
import { ActionError } from '../../util/errors.js';
import { readTextIfExists } from '../../util/files.js';
import type { ManagerContext } from '../types.js';

/** A bunfig.toml's `[install]` settings the action needs: where it resolves registries from, and what it trusts. */
export interface BunfigInstall {
  file: string;
  registry?: string;
  /** `[install.scopes]`, keyed by scope with its `@`. */
  scopes: Record<string, string>;
  /** `cafile` or `ca`, whichever it sets. */
  certificates?: 'cafile' | 'ca';
}

/** The program's bunfig.toml, which outranks the global one, which outranks every .npmrc (measured with bun 1.4). */
export function projectBunfig(programDir: string): string {
  return path.join(programDir, 'bunfig.toml');
}

/** bun's global bunfig: $XDG_CONFIG_HOME/.bunfig.toml when XDG_CONFIG_HOME is set (then ~/.bunfig.toml is not read). */
export function globalBunfig(env: NodeJS.ProcessEnv): string {
  return path.join(env['XDG_CONFIG_HOME'] || env['HOME'] || os.homedir(), '.bunfig.toml');
}

// bun parses its own TOML; the program runs outside the repository (no bunfig.toml or .env of a checkout applies).
const PARSE = 'process.stdout.write(JSON.stringify(Bun.TOML.parse(require("fs").readFileSync(process.argv.at(-1), "utf8"))))';

/** The `[install]` settings of a bunfig.toml, read by bun itself; undefined when the file does not exist. */
export async function readBunfigInstall(bun: ManagerContext, file: string): Promise<BunfigInstall | undefined> {
  if ((await readTextIfExists(file).catch(() => '')) === undefined) return undefined;
  const result = await bun.run('bun', ['--no-env-file', '-e', PARSE, file], { cwd: os.tmpdir(), env: bun.env, quiet: true });
  let parsed: unknown;
  try {
    parsed = result.exitCode === 0 ? JSON.parse(result.stdout) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!isObject(parsed)) {
    const reason = /(TOML Parse error: .*)$/m.exec(result.stderr)?.[1] ?? `bun could not read it (exit code ${result.exitCode})`;
    throw new ActionError(`${file} is not valid TOML: ${reason}. Fix it: bun reads it for every install.`);
  }
  const install = isObject(parsed['install']) ? parsed['install'] : {};
  const scopes: Record<string, string> = {};
  for (const [scope, value] of Object.entries(isObject(install['scopes']) ? install['scopes'] : {})) {
    const url = registryUrlOf(value);
    if (url !== undefined) scopes[scope.startsWith('@') ? scope : `@${scope}`] = url;
  }
  const registry = registryUrlOf(install['registry']);
  const certificates = install['cafile'] !== undefined ? 'cafile' : install['ca'] !== undefined ? 'ca' : undefined;
  return { file, scopes, ...(registry !== undefined && { registry }), ...(certificates && { certificates }) };
}

/** A registry as bunfig writes it: a URL, or a table with `url` (and credentials, which the action never reads). */
function registryUrlOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return isObject(value) && typeof value['url'] === 'string' ? value['url'] : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
