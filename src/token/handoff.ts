import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionError } from '../util/errors.js';
import {
  cacheClientCredentials,
  hasRunnerCredentials,
  isCacheClientCredentials,
  keepForCacheClientAlone,
  withoutRunnerCredentials,
  type CacheClientCredentials,
} from './runner-credentials.js';

/**
 * Why this module exists: the runner starts the main step with the token in its environment (the input as
 * INPUT_PULUMI-ACCESS-TOKEN, or PULUMI_ACCESS_TOKEN from `env:`), and a process's initial environment stays readable
 * in /proc/<pid>/environ for as long as it lives, whatever JavaScript does to process.env. Install scripts run as the
 * same user while this process lives, so before any of them can run, the main step replaces its own image
 * (process.execve: same pid, new environment) with one whose environment holds no token and none of the runner's
 * credentials (token/runner-credentials.ts), and collects them from a short-lived keeper process over a one-shot
 * local socket. Afterwards they exist only in this process's memory, which the kernel's default Yama ptrace scope
 * keeps from other processes of the same user.
 */

/** Names the socket the re-executed main step collects the token from; it holds no secret. */
export const HANDOFF_VARIABLE = 'SETUP_PULUMI_NPM_TOKEN_HANDOFF';
/** The variables the runner or the workflow may hold the token in. */
const TOKEN_INPUT_VARIABLE = 'INPUT_PULUMI-ACCESS-TOKEN';
/** The longest socket path every platform the action runs on accepts, in bytes. */
const MAX_SOCKET_PATH = 100;
export const TOKEN_ENV_VARIABLE = 'PULUMI_ACCESS_TOKEN';

const HANDOFF_TIMEOUT_MS = 10_000;
/** The longest the keeper waits for the new image before it gives up, leaving nothing behind. */
const KEEPER_LIFETIME_MS = 30_000;

export type TokenSource = 'input' | 'environment' | 'none';

export interface Token {
  value: string;
  source: TokenSource;
}

/** What the keeper holds across the restart: the token, and what the cache client needs of the runner's credentials. */
interface HandedSecrets {
  token: Token;
  runner: CacheClientCredentials;
}

/** The token as the runner hands it to the step: the input first, else the PULUMI_ACCESS_TOKEN variable. */
export function tokenFromEnvironment(env: NodeJS.ProcessEnv): Token {
  return tokenOf(env[TOKEN_INPUT_VARIABLE], env[TOKEN_ENV_VARIABLE]);
}

/** The token from the input's value first, else from the variable's; surrounding whitespace is not part of it. */
export function tokenOf(input: string | undefined, variable: string | undefined): Token {
  const fromInput = (input ?? '').trim();
  if (fromInput) return { value: fromInput, source: 'input' };
  const fromVariable = (variable ?? '').trim();
  return fromVariable ? { value: fromVariable, source: 'environment' } : { value: '', source: 'none' };
}

/**
 * The environment without the token: both token variables, and any other variable whose value is the token (a
 * workflow may pass it under another name too). A variable that holds another Pulumi token goes as well: no install
 * script needs either.
 */
export function environmentWithoutToken(env: NodeJS.ProcessEnv, token: string): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || name === TOKEN_INPUT_VARIABLE || name === TOKEN_ENV_VARIABLE || name === HANDOFF_VARIABLE) continue;
    if (token && value.trim() === token) continue;
    clean[name] = value;
  }
  return clean;
}

/** Whether this platform can replace the process image (not Windows). */
export function canReplaceProcess(): boolean {
  return typeof (process as ProcessWithExecve).execve === 'function' && process.platform !== 'win32';
}

/** process.execve (Node 22.15+, 23.11+): the action runs on Node 24, its types may be older. */
type ProcessWithExecve = NodeJS.Process & { execve?: (file: string, args: string[], env: NodeJS.ProcessEnv) => never };

/**
 * The keeper: reads the token from its standard input, serves it to the first connection on the socket, then exits
 * and removes the socket's folder. CommonJS, self-contained: it runs with `node -e` and an empty environment.
 */
const KEEPER = `
const net = require('node:net'), fs = require('node:fs'), path = require('node:path');
const [socket, lifetime] = process.argv.slice(1);
const done = (code) => { try { fs.rmSync(path.dirname(socket), { recursive: true, force: true }); } finally { process.exit(code); } };
setTimeout(() => done(2), Number(lifetime));
let secret = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { secret += chunk; });
process.stdin.on('end', () => {
  const server = net.createServer((connection) => {
    server.close();
    connection.end(secret, () => { secret = ''; done(0); });
  });
  server.on('error', () => done(3));
  server.listen(socket, () => process.stdout.write('ready\\n'));
});
`;

/**
 * Hands the secrets to a keeper and replaces this process with the same command line and an environment without the
 * token and the runner's credentials. Returns only when the keeper could not be started; the new image calls
 * `collectHandedSecrets`.
 */
async function replaceProcessWithoutSecrets(secrets: HandedSecrets, env: NodeJS.ProcessEnv): Promise<never> {
  // A folder of its own (0700) for the socket; the keeper removes it when it exits. A socket's path holds at most
  // about 100 bytes (104 on macOS, 108 on Linux): under a deep temp folder, /tmp serves.
  const prefix = 'setup-pulumi-npm-handoff-';
  const base = Buffer.byteLength(join(tmpdir(), `${prefix}XXXXXX`, 's')) <= MAX_SOCKET_PATH ? tmpdir() : '/tmp';
  const socket = join(mkdtempSync(join(base, prefix)), 's');
  const keeper = spawn(process.execPath, ['-e', KEEPER, socket, String(KEEPER_LIFETIME_MS)], { env: {}, stdio: ['pipe', 'pipe', 'ignore'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ActionError('The token keeper did not start within 10 s.')), HANDOFF_TIMEOUT_MS);
    keeper.once('error', (error) => reject(new ActionError(`Cannot start the token keeper: ${error.message}.`)));
    keeper.once('exit', (code) =>
      reject(
        new ActionError(
          code === 3
            ? `The token keeper could not listen on its socket ${socket}: check that the temp folder is writable and on a local file system.`
            : `The token keeper stopped early (exit code ${code}).`,
        ),
      ),
    );
    keeper.stdout.once('data', () => {
      clearTimeout(timer);
      resolve();
    });
    keeper.stdin.end(JSON.stringify(secrets));
  });
  keeper.removeAllListeners();
  const args = [process.execPath, ...process.execArgv, ...process.argv.slice(1)];
  const clean = withoutRunnerCredentials(environmentWithoutToken(env, secrets.token.value));
  (process as ProcessWithExecve).execve!(process.execPath, args, { ...clean, [HANDOFF_VARIABLE]: socket });
  throw new ActionError('Replacing the process without the token failed.');
}

/**
 * The main step's token and the runner's credentials, out of reach of the processes it starts: the first image hands
 * them to a keeper and replaces itself (this call does not return there); the new image collects them. A run that
 * installs nothing, or a platform without execve (Windows), keeps them in the environment it started with. Either way the
 * cache client's credentials are then readable by name alone (`keepForCacheClientAlone`), and the token is returned.
 */
export async function takeToken(env: NodeJS.ProcessEnv): Promise<Token> {
  const handed = await collectHandedSecrets(env);
  const secrets = handed ?? { token: tokenFromEnvironment(env), runner: cacheClientCredentials(env) };
  const installs = (env['INPUT_INSTALL'] ?? '').trim().toLowerCase() !== 'false';
  const held = secrets.token.value !== '' || hasRunnerCredentials(env);
  if (!handed && held && installs && canReplaceProcess()) await replaceProcessWithoutSecrets(secrets, env);
  keepForCacheClientAlone(secrets.runner);
  return secrets.token;
}

/**
 * The token for a host that loads the action into its own process and calls its `run()` (@github/local-action): such
 * a host reads its .env file into process.env after it started, so the token is in no process's initial environment
 * and a restart would bring it back from the file. It is taken from `env` and removed from it, with every variable
 * holding it, so no process the action starts inherits it; the cache client's credentials are kept as `takeToken` keeps them.
 */
export function takeTokenInProcess(env: NodeJS.ProcessEnv): Token {
  const token = tokenFromEnvironment(env);
  const kept = environmentWithoutToken(env, token.value);
  for (const name of Object.keys(env)) if (!(name in kept)) delete env[name];
  keepForCacheClientAlone(cacheClientCredentials(env));
  return token;
}

/**
 * In the re-executed main step: the secrets the keeper holds, or undefined when this process was not handed any.
 * Reads `env` only: the entry removes HANDOFF_VARIABLE from the process's environment once they are collected.
 */
async function collectHandedSecrets(env: NodeJS.ProcessEnv): Promise<HandedSecrets | undefined> {
  const socket = env[HANDOFF_VARIABLE];
  if (!socket) return undefined;
  const text = await new Promise<string>((resolve, reject) => {
    let received = '';
    const connection = createConnection(socket);
    connection.setEncoding('utf8');
    connection.setTimeout(HANDOFF_TIMEOUT_MS, () => connection.destroy(new Error('timed out')));
    connection.on('data', (chunk: string) => (received += chunk));
    connection.on('end', () => resolve(received));
    connection.on('error', reject);
  }).catch((error: unknown) => {
    throw new ActionError(`Could not collect the Pulumi access token after restarting without it (${(error as Error).message}). Run the job again.`);
  });
  try {
    const { token, runner } = JSON.parse(text) as HandedSecrets;
    const { value, source } = token;
    const known = source === 'input' || source === 'environment' || source === 'none';
    if (typeof value === 'string' && known && isCacheClientCredentials(runner)) return { token: { value, source }, runner };
  } catch {
    // Falls through to the error below: the keeper sent nothing usable.
  }
  throw new ActionError('Could not collect the Pulumi access token after restarting without it (the keeper sent nothing usable). Run the job again.');
}
