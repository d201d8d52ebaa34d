/** What the benchmarks of the node_modules cache share: npm with its own cache, the action as the runner runs it, timing. */
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
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
 * machine's CA files (npm reads its global config from the prefix, which the benchmarks move).
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
    // The machine's extra roots, which Node.js-based managers other than npm (yarn 2+) and bun read.
    ...(process.env.NODE_EXTRA_CA_CERTS ? { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS } : {}),
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

/** What an install writes into a program that a fresh checkout lacks: npm's, pnpm's and bun's node_modules alone. */
const INSTALLED = ['node_modules'] as const;

/**
 * Removes what an install wrote into the workspace (`installed`) and flushes pending writes, so no contender pays for
 * the previous one's.
 */
export async function freshWorkspace(workspace: string, installed: readonly string[] = INSTALLED): Promise<void> {
  for (const entry of installed) await rm(join(workspace, entry), { recursive: true, force: true });
  await run('sync');
}

/** Times `work` alone, on a fresh workspace that `setup` then prepares. */
export async function timeOnFreshWorkspace(
  workspace: string,
  work: () => Promise<unknown>,
  setup?: () => Promise<unknown>,
  installed: readonly string[] = INSTALLED,
): Promise<number> {
  for (const entry of installed) await rm(join(workspace, entry), { recursive: true, force: true });
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

/** The real Pulumi program of the benchmarks: a bucket and a VPC, with the packages most programs have. */
export const REAL_PROGRAM_DEPENDENCIES = { '@pulumi/pulumi': '^3.0.0', '@pulumi/aws': '^7.0.0', '@pulumi/awsx': '^3.0.0' };

/** Its files, named `name`, without a lockfile; `extraFiles` beside them (a manager's config). */
export function realProgramFiles(name: string, extraFiles: Record<string, string> = {}): Record<string, string> {
  return {
    'package.json': JSON.stringify({ name, version: '1.0.0', main: 'index.ts', dependencies: REAL_PROGRAM_DEPENDENCIES }, null, 2),
    'Pulumi.yaml': `name: ${name}\nruntime: nodejs\ndescription: A bucket and a VPC\n`,
    'index.ts': [
      'import * as pulumi from "@pulumi/pulumi";',
      'import * as aws from "@pulumi/aws";',
      'import * as awsx from "@pulumi/awsx";',
      '',
      'const bucket = new aws.s3.Bucket("site");',
      'const vpc = new awsx.ec2.Vpc("network", { numberOfAvailabilityZones: 2 });',
      'export const bucketName = bucket.id;',
      'export const vpcId = vpc.vpcId;',
      'export const stack = pulumi.getStack();',
      '',
    ].join('\n'),
    ...extraFiles,
  };
}

/** Writes `files` into a new, empty `dir`. */
export async function writeProgram(dir: string, files: Record<string, string>): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
}

/** "N files, M MB" of a folder. */
export async function treeSize(dir: string): Promise<string> {
  const files = (await run('find', [dir, '-type', 'f'], { maxBuffer: 256 * 1024 * 1024 })).stdout.split('\n').length - 1;
  const bytes = Number((await run('du', ['-sb', dir])).stdout.split('\t')[0]);
  return `${files} files, ${(bytes / 1e6).toFixed(0)} MB`;
}

export interface ActionContenders {
  /** The archive of the entry every warm run restores. */
  archive: { archivePath: string; size: number };
  /** The action on an exact cache hit; throws unless it ran no install. */
  warm(): Promise<number>;
  /** The action on a miss (install, save); throws unless it ran the install. */
  cold(): Promise<number>;
  /** Where the last warm and cold run's time went: its phases and their times, as its job summary lists them. */
  phases: { warm: string; cold: string };
}

/** "restore 8.10 s, install 2.00 s, …": the rows of the "Timings" table of the action's job summary. */
function phaseTimes(summary: string): string {
  const table = summary.split('### Timings')[1] ?? '';
  return [...table.matchAll(/^\| (.+?) \| [\d.]+ s \| ([\d.]+ s) \|$/gm)].map((row) => `${row[1]!.replace(/\\(.)/g, '$1')} ${row[2]}`).join(', ');
}

export interface ActionBench {
  server: CacheServer;
  /** Names the cache entries of this series (prefixes of their keys). */
  name: string;
  call: Omit<ActionCall, 'inputs'> & { inputs: Record<string, string> };
  /** The install the action runs on a miss, as its log echoes it: `[command]/path/to/pnpm install …`. */
  command: string;
  /** What an install writes into the workspace, removed before every run. */
  installed?: readonly string[];
}

/**
 * The action on a warm and on a cold cache, checked against its log: a warm run must restore and run no install, a
 * cold one must run `command`'s install. A first miss saves the entry every warm run restores.
 */
export async function actionContenders({ server, name, call, command, installed = INSTALLED }: ActionBench): Promise<ActionContenders> {
  const ranInstall = new RegExp(`^\\[command\\](?:\\S*/)?${command} install\\b`, 'm');
  const warmPrefix = `bench-warm-${name}`;
  const withPrefix = (prefix: string) => ({ ...call, inputs: { ...call.inputs, 'cache-key-prefix': prefix } });
  await freshWorkspace(call.workspace, installed);
  await timeTheAction(withPrefix(warmPrefix));
  const archive = server.entries().find((entry) => entry.key.startsWith(`${warmPrefix}-`));
  if (!archive) throw new Error(`the action saved no cache entry under ${warmPrefix}`);
  let coldRound = 0;
  const phases = { warm: '', cold: '' };
  return {
    archive,
    phases,
    warm: async () => {
      await freshWorkspace(call.workspace, installed);
      const { ms, main } = await timeTheAction(withPrefix(warmPrefix));
      if (main.outputs['cache-hit'] !== 'true' || !/: skipping "/.test(main.log) || ranInstall.test(main.log))
        throw new Error(`the action did not take the warm-cache path:\n${main.log.slice(-2000)}`);
      phases.warm = phaseTimes(main.summary);
      return ms;
    },
    cold: async () => {
      await freshWorkspace(call.workspace, installed);
      // A prefix no entry has: a miss, with nothing for the restore keys either.
      const { ms, main } = await timeTheAction(withPrefix(`bench-cold-${name}-${++coldRound}`));
      if (main.outputs['cache-hit'] !== 'false' || !ranInstall.test(main.log))
        throw new Error(`the action did not take the cold path:\n${main.log.slice(-2000)}`);
      phases.cold = phaseTimes(main.summary);
      return ms;
    },
  };
}

/** One column of a benchmark's table: a series' medians by contender, and the size of the archive it restored. */
export interface Column {
  name: string;
  archiveBytes: number;
  medians: Record<string, number>;
}

/** A row of the table (its label, and its cell in a column), or a heading line. */
export type Row = [string, (column: Column) => string] | string;

export const timeOf = (contender: string) => (column: Column) => seconds(column.medians[contender] ?? NaN);
export const ratioOf = (a: string, b: string) => (column: Column) => ((column.medians[a] ?? NaN) / (column.medians[b] ?? NaN)).toFixed(2);
export const archiveSize = (column: Column) => `${(column.archiveBytes / 1024 / 1024).toFixed(1)} MiB`;

/** Prints the columns side by side, under a first row of their names. */
export function printTable(columns: Column[], rows: Row[]): void {
  const width = Math.max(12, ...columns.map((column) => column.name.length + 2));
  for (const row of [['', (column: Column) => column.name] as Row, ...rows]) {
    if (typeof row === 'string') console.log(row);
    else console.log(`  ${row[0].padEnd(48)}${columns.map((column) => row[1](column).padStart(width)).join('')}`);
  }
}

/**
 * The rows of the action against bare tar and the manager's own installs (contenders actionWarm, tar, ownWarm,
 * actionCold, ownInstall), each named by the label of the manager's command: the times, and their ratios.
 */
export function actionRows(ownWarm: string, ownInstall: string): { times: Row[]; ratios: Row[] } {
  return {
    times: [
      ['warm: the action, exact cache hit', timeOf('actionWarm')],
      ['warm: bare tar -x of the same archive', timeOf('tar')],
      [`warm: ${ownWarm}`, timeOf('ownWarm')],
      ['cold: the action on a miss (install, save)', timeOf('actionCold')],
      [`cold: ${ownInstall}`, timeOf('ownInstall')],
    ],
    ratios: [
      ['warm action / bare tar', ratioOf('actionWarm', 'tar')],
      ['warm action / own warm install', ratioOf('actionWarm', 'ownWarm')],
      ['cold action / own install', ratioOf('actionCold', 'ownInstall')],
    ],
  };
}
