/** What the benchmarks of the node_modules cache share: npm with its own cache, the action as the runner runs it, timing. */
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import type { CacheServer } from '../__tests__/support/cache-server.js';
import { runAction } from '../__tests__/support/runner.js';
import type { StepResult } from '../__tests__/support/runner.js';

export const run = promisify(execFile);

/** The rounds asked for on the command line, within 1..10 (default 3). */
export function roundsArgument(text: string | undefined): number {
  return Math.max(1, Math.min(10, Number(text ?? 3) || 3));
}

export function median(values: number[] = []): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (middle === undefined) throw new Error('no measurement to take the median of');
  return middle;
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

export interface NpmTools {
  /** npm's variables: its download cache and global prefix in the given folders, no notifier, no audit, no fund. */
  env: NodeJS.ProcessEnv;
  npm(cwd: string, ...args: string[]): Promise<{ stdout: string; stderr: string }>;
}

export function npmTools(cacheDir: string, prefixDir: string): NpmTools {
  const env = {
    ...process.env,
    npm_config_cache: cacheDir,
    npm_config_prefix: prefixDir,
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
  return { env, npm: (cwd, ...args) => run('npm', args, { cwd, env, timeout: 600_000 }) };
}

/**
 * The runner's clean environment for the action: the cache service, and only what npm needs here, including the
 * machine's CA file (npm reads its global config from the prefix, which the benchmarks move).
 */
export async function actionEnvironment(server: CacheServer, npm: NpmTools): Promise<Record<string, string>> {
  const caFile = (await run('npm', ['config', 'get', 'cafile'], { env: process.env })).stdout.trim();
  const pick = (name: string): Record<string, string> => {
    const value = npm.env[`npm_config_${name}`];
    return value === undefined ? {} : { [`NPM_CONFIG_${name.toUpperCase()}`]: value };
  };
  return {
    ...server.env('v2'),
    ...pick('cache'),
    ...pick('prefix'),
    ...pick('audit'),
    ...pick('fund'),
    ...pick('update_notifier'),
    ...(caFile && caFile !== 'null' ? { NPM_CONFIG_CAFILE: caFile } : {}),
  };
}

export interface ActionCall {
  workspace: string;
  inputs: Record<string, string>;
  env: Record<string, string>;
  /** Where the run's RUNNER_TEMP and TMPDIR go (the surface measured); default the system temp folder. */
  tempParent?: string;
}

/** The main step only (post just removes the config folder), timed from spawn to exit; throws when the step fails. */
export async function timeTheAction(call: ActionCall): Promise<{ ms: number; main: StepResult }> {
  const start = performance.now();
  const action = await runAction({ ...call, runPost: false, timeoutMs: 600_000 });
  const ms = performance.now() - start;
  await action.cleanup();
  if (action.main.exitCode !== 0) throw new Error(`the action failed:\n${action.main.log.slice(-2000)}`);
  return { ms, main: action.main };
}

/** Removes the workspace's node_modules and flushes pending writes, so no contender pays for the previous one's. */
export async function freshWorkspace(workspace: string): Promise<void> {
  await rm(join(workspace, 'node_modules'), { recursive: true, force: true });
  await run('sync');
}

/** Times `work` alone, on a fresh workspace that `setup` then prepares. */
export async function timeOnFreshWorkspace(workspace: string, work: () => Promise<unknown>, setup?: () => Promise<unknown>): Promise<number> {
  await rm(join(workspace, 'node_modules'), { recursive: true, force: true });
  await setup?.();
  await run('sync');
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** The bare extraction of a cache archive, the floor of every restore. */
export function extractArchive(archivePath: string, workspace: string): Promise<unknown> {
  return run('tar', ['-xf', archivePath, '-P', '-C', workspace, '--use-compress-program', 'unzstd']);
}

/**
 * Runs in-process cache calls with stdout silenced: @actions/core and @actions/exec print `::debug::` lines and tar
 * command lines there, which are no part of a benchmark's summary. Errors still throw.
 */
export async function quietly<T>(work: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await work();
  } finally {
    process.stdout.write = write;
  }
}

/** Runs `rounds` rounds of every contender in turn, interleaved so that drift hits them alike; the times by name. */
export async function runRounds(rounds: number, contenders: Record<string, () => Promise<number>>, label = ''): Promise<Record<string, number[]>> {
  const times: Record<string, number[]> = {};
  for (let round = 1; round <= rounds; round++) {
    for (const [name, contender] of Object.entries(contenders)) (times[name] ??= []).push(await contender());
    console.log(`${label}Round ${round}/${rounds} done.`);
  }
  return times;
}
