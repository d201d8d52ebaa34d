import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_KEY_LENGTH, MAX_PREFIX_LENGTH } from '../cache/key.js';
import type { CacheMode } from '../cache/plan.js';
import { ActionError } from '../util/errors.js';
import { ACTION_YML, actionDefaults, type InputReader } from './inputs.js';
import { isScope, parsePackageList } from '../util/package-name.js';
import { readWorkingDirectories, type ProgramSelection, type WorkingDirectory } from '../programs/working-directories.js';
import { TOKEN_ENV_VARIABLE, tokenOf, type Token } from '../token/handoff.js';
import { PRESET_REQUESTS } from '../policy/preset-names.js';
import type { PresetRequest } from '../policy/types.js';
import type { ManagerName } from '../package-managers/types.js';

export type PolicyMode = 'error' | 'warn' | 'off';

export type { WorkingDirectory } from '../programs/working-directories.js';

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
  /** The programs to check and install: the folders listed, and those `auto` and globs found, less those `changed-since` leaves out. */
  workingDirectories: WorkingDirectory[];
  /** How the programs were found and which were left out, for the summary. */
  selection: ProgramSelection;
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
  'changed-since': 'itself', // every program
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
  const settings = {
    token: token.value,
    tokenSource: token.source,
    preset: parsePreset(input.preset),
    registryUrl: input['registry-url'].trim() ? parseRegistryUrl(input['registry-url'], warnings) : undefined,
    scope: parseScope(input.scope),
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
  // Last: finding programs and asking git what changed take longest, so that a bad input above fails first.
  // Its module (and git) loads only when the input is given; git runs while the programs are found.
  const changed = input['changed-since'].trim() ? await import('../programs/changed.js') : undefined;
  const changedSince = changed?.parseChangedSince(input['changed-since']);
  const changes = changed && changedSince !== undefined ? changed.changesSince(changedSince, workspace) : undefined;
  changes?.catch(() => {}); // awaited once the first program is found
  const check = changed && changes && changedSince !== undefined ? changed.changeCheck(changes, changedSince, workspace) : undefined;
  const { directories, selection } = await readWorkingDirectories(input['working-directory'], workspace, check);
  return { ...settings, workingDirectories: directories, selection };
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
