import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ActionError } from './errors.js';
import { isPackageName, isScope } from './package-name.js';

export type CacheMode = 'true' | 'false' | 'restore';
export type PolicyMode = 'error' | 'warn' | 'off';

/** A program folder: where it is, and how the user named it (for messages). */
export interface WorkingDirectory {
  path: string;
  input: string;
}

/** The action's inputs, parsed and checked once, so the rest of the code never reads raw strings. */
export interface Settings {
  /** Never logged, never written: handed only to the npm processes the action starts. */
  token: string;
  tokenSource: 'input' | 'environment' | 'none';
  registryUrl: string;
  scope: string;
  workingDirectories: WorkingDirectory[];
  install: boolean;
  installCommand: string;
  links: string[];
  linkPath: string | undefined;
  /** Install scripts run after the install, without the token. */
  ignoreScripts: boolean;
  /** The token may go to an install of a fork's code (pull_request_target, workflow_run). */
  allowUntrusted: boolean;
  cache: CacheMode;
  cacheKeyPrefix: string;
  policy: PolicyMode;
  policyFile: string;
  workspace: string;
  runnerTemp: string;
  /** Problems that do not stop the run (printed as warnings). */
  warnings: string[];
}

export type InputReader = (name: string) => string;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function readSettings(input: InputReader, env: NodeJS.ProcessEnv): Settings {
  const warnings: string[] = [];
  const workspace = path.resolve(env['GITHUB_WORKSPACE'] || process.cwd());
  const tokenInput = input('pulumi-access-token').trim();
  const tokenEnv = (env['PULUMI_ACCESS_TOKEN'] ?? '').trim();
  const token = tokenInput || tokenEnv;
  const install = parseBoolean(input, 'install', true);
  const installCommand = input('install-command').trim();
  if (install && !installCommand) {
    throw new ActionError('Input "install-command" is empty: give the command that installs the program (for example "npm ci"), or set "install: false".');
  }
  return {
    token,
    tokenSource: tokenInput ? 'input' : tokenEnv ? 'environment' : 'none',
    registryUrl: parseRegistryUrl(input('registry-url'), warnings),
    scope: parseScope(input('scope')),
    workingDirectories: parseWorkingDirectories(input('working-directory'), workspace),
    install,
    installCommand,
    links: parseLinks(input('link')),
    linkPath: parseLinkPath(input('link-path'), workspace),
    ignoreScripts: parseBoolean(input, 'ignore-scripts', true),
    allowUntrusted: parseBoolean(input, 'allow-untrusted', false),
    cache: parseChoice(input, 'cache', ['true', 'false', 'restore'] as const),
    cacheKeyPrefix: input('cache-key-prefix').trim(),
    policy: parseChoice(input, 'policy', ['error', 'warn', 'off'] as const),
    policyFile: path.resolve(workspace, input('policy-file').trim() || '.github/pulumi-npm-policy.yml'),
    workspace,
    runnerTemp: env['RUNNER_TEMP'] || os.tmpdir(),
    warnings,
  };
}

function parseBoolean(input: InputReader, name: string, fallback: boolean): boolean {
  const value = input(name).trim().toLowerCase();
  if (value === '') return fallback;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new ActionError(`Input "${name}" is "${input(name).trim()}": use "true" or "false".`);
}

function parseChoice<T extends string>(input: InputReader, name: string, choices: readonly T[]): T {
  const raw = input(name).trim();
  const value = (raw || choices[0]) as T;
  if (!choices.includes(value)) {
    throw new ActionError(`Input "${name}" is "${raw}": use one of ${choices.map((c) => `"${c}"`).join(', ')}.`);
  }
  return value;
}

export function parseRegistryUrl(raw: string, warnings: string[]): string {
  const value = raw.trim() || 'https://npmjs.pulumi.com/';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ActionError(`Input "registry-url" is "${value}", which is not a URL: give the registry's address, for example "https://npmjs.pulumi.com/".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ActionError(`Input "registry-url" is "${value}": only http:// and https:// registries are supported.`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ActionError(`Input "registry-url" is "${value}": remove the query string, fragment or credentials; the token goes in "pulumi-access-token".`);
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    warnings.push(`Input "registry-url" uses http:// to ${url.host}: the token would travel in clear text. Use https://.`);
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.toString();
}

export function parseScope(raw: string): string {
  const trimmed = raw.trim() || '@pulumi';
  const scope = trimmed.startsWith('@') ? trimmed : `@${trimmed}`;
  if (!isScope(scope)) {
    throw new ActionError(`Input "scope" is "${trimmed}", which is not an npm scope: use lower case letters, digits, "-", "." or "_", as in "@pulumi".`);
  }
  return scope;
}

export function parseWorkingDirectories(raw: string, workspace: string): WorkingDirectory[] {
  const entries = raw
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  const seen = new Map<string, string>();
  const directories = (entries.length ? entries : ['.']).map((entry) => {
    const resolved = path.resolve(workspace, entry);
    const relative = path.relative(workspace, resolved);
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      throw new ActionError(`Input "working-directory" lists "${entry}", which is outside the workspace ${workspace}: give a folder inside the repository.`);
    }
    const earlier = seen.get(resolved);
    if (earlier !== undefined) {
      throw new ActionError(`Input "working-directory" lists the same folder twice ("${earlier}" and "${entry}"): list each program once.`);
    }
    seen.set(resolved, entry);
    return { path: resolved, input: entry };
  });
  for (const directory of directories) checkFolder(directory);
  return directories;
}

function checkFolder({ path: folder, input }: WorkingDirectory): void {
  const stat = fs.statSync(folder, { throwIfNoEntry: false });
  if (!stat) {
    throw new ActionError(
      `Input "working-directory" lists "${input}", which does not exist (${folder}): ` +
        `check the path, and that the repository was checked out first (actions/checkout).`,
    );
  }
  if (!stat.isDirectory()) {
    throw new ActionError(`Input "working-directory" lists "${input}", which is a file, not a folder: give the folder that holds package.json.`);
  }
}

export function parseLinks(raw: string): string[] {
  const names = [...new Set(raw.split(/\s+/).filter(Boolean))];
  for (const name of names) {
    if (!isPackageName(name)) {
      throw new ActionError(`Input "link" lists "${name}", which is not an npm package name: separate names with spaces or new lines.`);
    }
  }
  return names;
}

function parseLinkPath(raw: string, workspace: string): string | undefined {
  const value = raw.trim();
  return value ? path.resolve(workspace, value) : undefined;
}
