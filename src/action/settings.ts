import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_KEY_LENGTH, MAX_PREFIX_LENGTH } from '../cache/key.js';
import type { CacheMode } from '../cache/plan.js';
import { ActionError } from '../util/errors.js';
import { ACTION_YML, actionDefaults, type InputReader } from './inputs.js';
import { isScope, parsePackageList } from '../util/package-name.js';
import { TOKEN_ENV_VARIABLE, tokenOf, type Token } from '../token/handoff.js';
import { PRESET_REQUESTS } from '../policy/preset-names.js';
import type { PresetRequest } from '../policy/types.js';
import type { ManagerName } from '../package-managers/types.js';
import { packageFolderFor } from '../program-files/program-folder.js';

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
  tokenSource: Token['source'];
  /** The `preset` input; undefined: the policy file's, else `auto`. */
  preset: PresetRequest | undefined;
  /** The `registry-url` input; undefined: the preset's (which may route nothing). */
  registryUrl: string | undefined;
  scope: string;
  workingDirectories: WorkingDirectory[];
  install: boolean;
  /** The `package-manager` input: `auto` decides per program, as Pulumi does. */
  packageManager: 'auto' | ManagerName;
  /** The `install-command` input; undefined: each program's manager's own install. */
  installCommand: string | undefined;
  /** The `link` input; undefined: the preset's; `none` links nothing. */
  links: string[] | undefined;
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

/**
 * The inputs action.yml declares (a test checks both lists match), and what an empty value means. "default":
 * action.yml's default, as an empty value always has meant (a workflow may pass '' from an unset variable).
 * "itself": empty is a value of its own.
 */
const INPUTS = {
  'pulumi-access-token': 'itself', // the PULUMI_ACCESS_TOKEN variable then
  preset: 'itself', // the policy file's preset, else pulumi-0.10
  'registry-url': 'itself', // the preset's
  scope: 'default',
  'working-directory': 'default',
  install: 'default',
  'package-manager': 'default',
  'install-command': 'itself', // the manager's own install
  link: 'itself', // the preset's
  'link-path': 'itself',
  'ignore-scripts': 'default',
  'allow-untrusted': 'default',
  cache: 'default',
  'cache-key-prefix': 'itself',
  policy: 'default',
  'policy-file': 'default',
} as const;
export type InputName = keyof typeof INPUTS;
export const INPUT_NAMES = Object.keys(INPUTS) as InputName[];

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Reads and checks every input before anything else runs. An input the runner did not pass, or passed empty where
 * empty means the default, takes its default from action.yml (`actionYml`), the only place defaults are written.
 * `handed`: the token the main step took out of its environment, in place of the input and PULUMI_ACCESS_TOKEN.
 */
export async function readSettings(read: InputReader, env: NodeJS.ProcessEnv, actionYml = ACTION_YML, handed?: Token): Promise<Settings> {
  const input = await inputValues(read, actionYml);
  const warnings: string[] = [];
  const workspace = path.resolve(env['GITHUB_WORKSPACE'] || process.cwd());
  const token = handed ?? tokenOf(input['pulumi-access-token'], env[TOKEN_ENV_VARIABLE]);
  const install = parseBoolean(input, 'install');
  const installCommand = input['install-command'].trim() || undefined;
  if (install) checkTokenCharacters(token);
  return {
    token: token.value,
    tokenSource: token.source,
    preset: parsePreset(input.preset),
    registryUrl: input['registry-url'].trim() ? parseRegistryUrl(input['registry-url'], warnings) : undefined,
    scope: parseScope(input.scope),
    workingDirectories: parseWorkingDirectories(input['working-directory'], workspace),
    install,
    packageManager: parseChoice(input, 'package-manager', ['auto', 'npm', 'pnpm', 'yarn', 'bun'] as const),
    installCommand,
    links: parseLinks(input.link),
    linkPath: parseLinkPath(input['link-path'], workspace),
    ignoreScripts: parseBoolean(input, 'ignore-scripts'),
    allowUntrusted: parseBoolean(input, 'allow-untrusted'),
    cache: parseChoice(input, 'cache', ['true', 'false', 'restore'] as const),
    cacheKeyPrefix: parseCacheKeyPrefix(input['cache-key-prefix']),
    policy: parseChoice(input, 'policy', ['error', 'warn', 'off'] as const),
    policyFile: path.resolve(workspace, input['policy-file'].trim()),
    workspace,
    runnerTemp: env['RUNNER_TEMP'] || os.tmpdir(),
    warnings,
  };
}

type Inputs = Record<InputName, string>;

/** An HTTP header carries visible ASCII only: any other character would fail every request, so say so at once. */
function checkTokenCharacters({ value, source }: Token): void {
  if (/^[\x21-\x7e]*$/.test(value)) return;
  const where = source === 'input' ? 'input "pulumi-access-token"' : 'the PULUMI_ACCESS_TOKEN variable';
  throw new ActionError(
    `The Pulumi access token in ${where} is malformed: it holds a line break, a space or a character that is not visible ASCII, which no HTTP ` +
      'header may carry. Copy the token again into the secret, with nothing before or after it.',
  );
}

async function inputValues(read: InputReader, actionYml: string): Promise<Inputs> {
  const given = new Map(INPUT_NAMES.map((name) => [name, read(name)]));
  const defaulted = INPUT_NAMES.filter((name) => {
    const value = given.get(name);
    return value === undefined || (INPUTS[name] === 'default' && value.trim() === '');
  });
  const defaults = defaulted.length ? await actionDefaults(defaulted, actionYml) : new Map<string, string>();
  return Object.fromEntries(INPUT_NAMES.map((name) => [name, defaults.get(name) ?? given.get(name) ?? ''])) as Inputs;
}

function parseBoolean(input: Inputs, name: InputName): boolean {
  const value = input[name].trim();
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === 'false') return lower === 'true';
  throw new ActionError(`Input "${name}" is "${value}": use "true" or "false".`);
}

function parseChoice<T extends string>(input: Inputs, name: InputName, choices: readonly T[]): T {
  const value = input[name].trim() as T;
  if (!choices.includes(value)) {
    throw new ActionError(`Input "${name}" is "${value}": use one of ${choices.map((c) => `"${c}"`).join(', ')}.`);
  }
  return value;
}

function parseCacheKeyPrefix(raw: string): string {
  const prefix = raw.trim();
  if (prefix.includes(',')) throw new ActionError(`cache-key-prefix "${prefix}" contains a comma, which cache keys cannot hold; remove it.`);
  if (prefix.length > MAX_PREFIX_LENGTH) {
    throw new ActionError(
      `cache-key-prefix is too long (${prefix.length} characters): cache keys are at most ${MAX_KEY_LENGTH} characters, ` +
        `which leaves ${MAX_PREFIX_LENGTH} for the prefix; shorten it.`,
    );
  }
  return prefix;
}

function parseRegistryUrl(raw: string, warnings: string[]): string {
  const value = raw.trim();
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

function parseScope(raw: string): string {
  const trimmed = raw.trim();
  const scope = trimmed.startsWith('@') ? trimmed : `@${trimmed}`;
  if (!isScope(scope)) {
    throw new ActionError(`Input "scope" is "${trimmed}", which is not an npm scope: use lower case letters, digits, "-", "." or "_", as in "@pulumi".`);
  }
  return scope;
}

function parseWorkingDirectories(raw: string, workspace: string): WorkingDirectory[] {
  const entries = raw
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  const seen = new Map<string, string>();
  const directories = entries.map((entry) => {
    // A folder holding a Pulumi.yaml below its package.json names the program of that package.
    const resolved = packageFolderFor(path.resolve(workspace, entry), workspace);
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
  for (const directory of directories) checkFolder(directory, workspace);
  return directories;
}

function checkFolder({ path: folder, input }: WorkingDirectory, workspace: string): void {
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
  // npm writes node_modules and the lockfile where the folder really is: judge by real paths, not by the names.
  const real = fs.realpathSync(folder);
  const relative = path.relative(fs.realpathSync(workspace), real);
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    throw new ActionError(
      `Input "working-directory" lists "${input}", which goes through a symbolic link to ${real}, outside the workspace ${workspace}: ` +
        `give the folder inside the repository, not a link out of it.`,
    );
  }
}

function parsePreset(raw: string): PresetRequest | undefined {
  const value = raw.trim();
  if (value === '') return undefined;
  if (!(PRESET_REQUESTS as readonly string[]).includes(value)) {
    throw new ActionError(
      `Input "preset" is "${value}": use ${PRESET_REQUESTS.map((name) => `"${name}"`).join(', ')}, or leave it empty for the policy file's, else auto.`,
    );
  }
  return value as PresetRequest;
}

function parseLinks(raw: string): string[] | undefined {
  return parsePackageList(
    raw,
    /\s+/,
    (name) => new ActionError(`Input "link" lists "${name}", which is not an npm package name: separate names with spaces or new lines.`),
  );
}

function parseLinkPath(raw: string, workspace: string): string | undefined {
  const value = raw.trim();
  return value ? path.resolve(workspace, value) : undefined;
}
