/**
 * Benchmark of the action on a real Pulumi program (not a test): @pulumi/pulumi 3, @pulumi/aws 7 and @pulumi/awsx 3
 * from the npm registry, installed once into .tmp/bench/real-program/ (kept, with its npm download cache, for the next
 * run), run with `preset: current` (no token, nothing linked) against the local cache service. On tmpfs (/dev/shm) and
 * on the disk (the system temp folder unless it is tmpfs), side by side, medians of N rounds:
 *   - warm: the action (dist/ on Node 24, as the runner runs it) on an exact cache hit, bare `tar -x` of the same
 *     archive (the floor), `npm ci` with a warm npm download cache (the alternative);
 *   - cold: the action on a miss (install, save) against plain `npm install` (preset current links nothing, so there
 *     is no `npm link` to add);
 *   - start-up: a policy-only run (`install: false`) against bare `node -e 0` on the same Node 24.
 * Run: node --import tsx scripts/bench-real-program.ts [rounds]
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCacheServer } from '../__tests__/support/cache-server.js';
import { node24 } from '../__tests__/support/node24.js';
import {
  actionEnvironment,
  extractArchive,
  freshWorkspace,
  median,
  npmTools,
  roundsArgument,
  run,
  runRounds,
  seconds,
  timeOnFreshWorkspace,
  timeTheAction,
} from './bench-support.js';

const DEPENDENCIES = { '@pulumi/pulumi': '^3.0.0', '@pulumi/aws': '^7.0.0', '@pulumi/awsx': '^3.0.0' };
const PROGRAM_FILES: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'bench-real-program', version: '1.0.0', main: 'index.ts', dependencies: DEPENDENCIES }, null, 2),
  'Pulumi.yaml': 'name: bench-real-program\nruntime: nodejs\ndescription: A bucket and a VPC\n',
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
};
const rounds = roundsArgument(process.argv[2]);
const fixture = fileURLToPath(new URL('../.tmp/bench/real-program/', import.meta.url));
const program = join(fixture, 'program');
const tools = npmTools(join(fixture, 'npm-cache'), join(fixture, 'global'));

/** The program with its lockfile, installed once from the registry; the npm download cache stays warm beside it. */
async function installFixture(): Promise<void> {
  if (existsSync(join(program, 'package-lock.json')) && existsSync(join(program, 'node_modules'))) return;
  console.log(`Installing the fixture (${Object.keys(DEPENDENCIES).join(', ')}) from the registry into ${fixture}…`);
  await rm(program, { recursive: true, force: true });
  await mkdir(program, { recursive: true });
  for (const [name, text] of Object.entries(PROGRAM_FILES)) await writeFile(join(program, name), text);
  await tools.npm(program, 'install');
}

async function describeFixture(): Promise<string> {
  const lockfile = JSON.parse(await readFile(join(program, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
  const packages = Object.keys(lockfile.packages).filter((key) => key !== '').length;
  const files = (await run('find', [join(program, 'node_modules'), '-type', 'f'], { maxBuffer: 256 * 1024 * 1024 })).stdout.split('\n').length - 1;
  const bytes = Number((await run('du', ['-sb', join(program, 'node_modules')])).stdout.split('\t')[0]);
  return `${packages} packages, ${files} files, ${(bytes / 1e6).toFixed(0)} MB`;
}

async function isTmpfs(dir: string): Promise<boolean> {
  return (await run('stat', ['-f', '-c', '%T', dir])).stdout.trim() === 'tmpfs';
}

/** The surfaces measured: tmpfs when there is one, and the disk when the system temp folder is one. */
async function surfaces(): Promise<Array<[string, string]>> {
  const found: Array<[string, string]> = [];
  if (existsSync('/dev/shm') && (await isTmpfs('/dev/shm'))) found.push(['tmpfs', '/dev/shm']);
  if (!(await isTmpfs(tmpdir()))) found.push(['disk', tmpdir()]);
  return found;
}

interface Archive {
  archivePath: string;
  size: number;
}

interface SurfaceResult {
  name: string;
  archiveBytes: number;
  medians: Record<string, number>;
}

async function measureSurface(name: string, parent: string, env: Record<string, string>, archiveOf: (prefix: string) => Archive): Promise<SurfaceResult> {
  const root = await mkdtemp(join(parent, 'bench-real-program-'));
  try {
    const workspace = join(root, 'workspace');
    await mkdir(workspace);
    for (const file of [...Object.keys(PROGRAM_FILES), 'package-lock.json']) await copyFile(join(program, file), join(workspace, file));
    const call = (inputs: Record<string, string>) => ({ workspace, env, tempParent: root, inputs: { preset: 'current', ...inputs } });
    const warmPrefix = `bench-warm-${name}`;
    // A miss that installs and saves: the entry every warm round restores.
    await freshWorkspace(workspace);
    await timeTheAction(call({ 'cache-key-prefix': warmPrefix }));
    const archive = archiveOf(warmPrefix);

    let coldRound = 0;
    const actionWarm = async () => {
      await freshWorkspace(workspace);
      const { ms, main } = await timeTheAction(call({ 'cache-key-prefix': warmPrefix }));
      if (main.outputs['cache-hit'] !== 'true' || !/skipping "npm install"/.test(main.log)) throw new Error('the action did not take the warm-cache path');
      return ms;
    };
    const actionCold = async () => {
      await freshWorkspace(workspace);
      // A prefix no entry has: a miss, with nothing for the restore keys either.
      const { ms, main } = await timeTheAction(call({ 'cache-key-prefix': `bench-cold-${name}-${++coldRound}` }));
      if (main.outputs['cache-hit'] !== 'false' || /skipping "npm install"/.test(main.log)) throw new Error('the action did not take the cold path');
      return ms;
    };
    const policyOnly = async () => (await timeTheAction(call({ install: 'false' }))).ms;
    const measure = (work: () => Promise<unknown>) => timeOnFreshWorkspace(workspace, work);
    const times = await runRounds(
      rounds,
      {
        actionWarm,
        tar: () => measure(() => extractArchive(archive.archivePath, workspace)),
        npmCi: () => measure(() => tools.npm(workspace, 'ci', '--prefer-offline')),
        actionCold,
        npmInstall: () => measure(() => tools.npm(workspace, 'install')),
        policyOnly,
        nodeStart: () => measure(() => run(node24(), ['-e', '0'])),
      },
      `${name}: `,
    );
    const medians = Object.fromEntries(Object.entries(times).map(([contender, values]) => [contender, median(values)]));
    return { name, archiveBytes: archive.size, medians };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function printTable(results: SurfaceResult[]): void {
  const row = (label: string, cell: (result: SurfaceResult) => string) =>
    console.log(`  ${label.padEnd(44)}${results.map((result) => cell(result).padStart(12)).join('')}`);
  const time = (contender: string) => (result: SurfaceResult) => seconds(result.medians[contender] ?? NaN);
  const ratio = (a: string, b: string) => (result: SurfaceResult) => ((result.medians[a] ?? NaN) / (result.medians[b] ?? NaN)).toFixed(2);
  console.log(`\nMedians of ${rounds} round(s), preset current:`);
  row('', (result) => result.name);
  row('warm: the action, exact cache hit', time('actionWarm'));
  row('warm: bare tar -x of the same archive', time('tar'));
  row('warm: npm ci, warm npm download cache', time('npmCi'));
  row('cold: the action on a miss (install, save)', time('actionCold'));
  row('cold: npm install (nothing to link)', time('npmInstall'));
  row('start-up: policy-only run (install: false)', time('policyOnly'));
  row('start-up: node -e 0 (Node 24)', time('nodeStart'));
  row('archive size', (result) => `${(result.archiveBytes / 1024 / 1024).toFixed(1)} MiB`);
  console.log('Ratios (goals: <= 1.2 x tar, <= 1.1 x npm install, policy-only <= node start + 0.1 s):');
  row('warm action / bare tar', ratio('actionWarm', 'tar'));
  row('warm action / npm ci', ratio('actionWarm', 'npmCi'));
  row('cold action / npm install', ratio('actionCold', 'npmInstall'));
  row('policy-only - node start', (result) => seconds((result.medians.policyOnly ?? NaN) - (result.medians.nodeStart ?? NaN)));
}

await installFixture();
console.log(`Fixture: ${await describeFixture()}.`);
const server = await startCacheServer();
try {
  const env = await actionEnvironment(server, tools);
  const archiveOf = (prefix: string) => {
    const entry = server.entries().find((candidate) => candidate.key.startsWith(`${prefix}-`));
    if (!entry) throw new Error(`the action saved no cache entry under ${prefix}`);
    return entry;
  };
  const results: SurfaceResult[] = [];
  for (const [name, parent] of await surfaces()) results.push(await measureSurface(name, parent, env, archiveOf));
  printTable(results);
} finally {
  await server.stop();
}
