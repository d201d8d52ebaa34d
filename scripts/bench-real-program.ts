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
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCacheServer } from '../__tests__/support/cache-server.js';
import type { CacheServer } from '../__tests__/support/cache-server.js';
import { node24 } from '../__tests__/support/node24.js';
import {
  actionContenders,
  actionEnvironment,
  actionRows,
  archiveSize,
  extractArchive,
  median,
  npmTools,
  printTable,
  REAL_PROGRAM_DEPENDENCIES,
  realProgramFiles,
  roundsArgument,
  run,
  runRounds,
  seconds,
  timeOnFreshWorkspace,
  timeOf,
  timeTheAction,
  treeSize,
  writeProgram,
} from './bench-support.js';
import type { Column } from './bench-support.js';

const PROGRAM_FILES = realProgramFiles('bench-real-program');
const rounds = roundsArgument(process.argv[2]);
const fixture = fileURLToPath(new URL('../.tmp/bench/real-program/', import.meta.url));
const program = join(fixture, 'program');
const tools = npmTools(join(fixture, 'npm-cache'), join(fixture, 'global'));

/** The program with its lockfile, installed once from the registry; the npm download cache stays warm beside it. */
async function installFixture(): Promise<void> {
  if (existsSync(join(program, 'package-lock.json')) && existsSync(join(program, 'node_modules'))) return;
  console.log(`Installing the fixture (${Object.keys(REAL_PROGRAM_DEPENDENCIES).join(', ')}) from the registry into ${fixture}…`);
  await writeProgram(program, PROGRAM_FILES);
  await tools.npm(program, 'install');
}

async function describeFixture(): Promise<string> {
  const lockfile = JSON.parse(await readFile(join(program, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
  const packages = Object.keys(lockfile.packages).filter((key) => key !== '').length;
  return `${packages} packages, ${await treeSize(join(program, 'node_modules'))}`;
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

async function measureSurface(name: string, parent: string, server: CacheServer, env: Record<string, string>): Promise<Column> {
  const root = await mkdtemp(join(parent, 'bench-real-program-'));
  try {
    const workspace = join(root, 'workspace');
    await mkdir(workspace);
    for (const file of [...Object.keys(PROGRAM_FILES), 'package-lock.json']) await copyFile(join(program, file), join(workspace, file));
    const call = { workspace, env, tempParent: root, inputs: { preset: 'current' } };
    const action = await actionContenders({ server, name, call, command: 'npm' });
    const policyOnly = async () => (await timeTheAction({ ...call, inputs: { ...call.inputs, install: 'false' } })).ms;
    const measure = (work: () => Promise<unknown>) => timeOnFreshWorkspace(workspace, work);
    const times = await runRounds(
      rounds,
      {
        actionWarm: action.warm,
        tar: () => measure(() => extractArchive(action.archive.archivePath, workspace)),
        ownWarm: () => measure(() => tools.npm(workspace, 'ci', '--prefer-offline')),
        actionCold: action.cold,
        ownInstall: () => measure(() => tools.npm(workspace, 'install')),
        policyOnly,
        nodeStart: () => measure(() => run(node24(), ['-e', '0'])),
      },
      `${name}: `,
    );
    const medians = Object.fromEntries(Object.entries(times).map(([contender, values]) => [contender, median(values)]));
    return { name, archiveBytes: action.archive.size, medians };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function printResults(results: Column[]): void {
  const { times, ratios } = actionRows('npm ci, warm npm download cache', 'npm install (nothing to link)');
  console.log(`\nMedians of ${rounds} round(s), preset current:`);
  printTable(results, [
    ...times,
    ['start-up: policy-only run (install: false)', timeOf('policyOnly')],
    ['start-up: node -e 0 (Node 24)', timeOf('nodeStart')],
    ['archive size', archiveSize],
    'Ratios (goals: <= 1.2 x tar, <= 1.1 x npm install, policy-only <= node start + 0.1 s):',
    ...ratios,
    ['policy-only - node start', (result) => seconds((result.medians.policyOnly ?? NaN) - (result.medians.nodeStart ?? NaN))],
  ]);
}

await installFixture();
console.log(`Fixture: ${await describeFixture()}.`);
const server = await startCacheServer();
try {
  const env = await actionEnvironment(server, tools);
  const results: Column[] = [];
  for (const [name, parent] of await surfaces()) results.push(await measureSurface(name, parent, server, env));
  printResults(results);
} finally {
  await server.stop();
}
