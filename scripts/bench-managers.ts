/**
 * Benchmark of the action with each package manager besides npm (bench-real-program.ts measures npm) on the real
 * Pulumi program of bench-real-program.ts: pnpm 10, yarn 1, yarn 4 (node-modules linker) and bun, each the project's
 * devDependency, first on the PATH, with a lockfile it made itself. Each program is installed once into
 * .tmp/bench/managers/<manager>/ and kept, with the manager's download cache or store beside it (never in the user's
 * home); the workspace of the runs is a folder beside them (the same file system as the store, as on a runner), and
 * their temp folders are in the system's; both are removed after.
 * Per manager, medians of N rounds, `preset: current`, against the local cache service:
 *   - warm: the action (dist/ on Node 24, as the runner runs it) on an exact cache hit, bare `tar -x` of the same
 *     archive (the floor), the manager's own install with its warm cache (offline where it has such a flag);
 *   - cold: the action on a miss (install, save) against the manager's install as the action runs it (frozen), with
 *     the same warm cache, so that the difference is the action's own cost.
 * Run: node --import tsx scripts/bench-managers.ts [rounds] [manager…] (managers: pnpm yarn1 yarn4 bun npm; default
 * all but npm).
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCacheServer } from '../__tests__/support/cache-server.js';
import type { CacheServer } from '../__tests__/support/cache-server.js';
import { pathWithManager } from '../__tests__/support/managers.js';
import type { TestManager } from '../__tests__/support/managers.js';
import { node24 } from '../__tests__/support/node24.js';
import { machinePath } from '../__tests__/support/process.js';
import {
  actionContenders,
  actionEnvironment,
  actionRows,
  archiveSize,
  extractArchive,
  median,
  npmTools,
  printTable,
  realProgramFiles,
  REAL_PROGRAM_DEPENDENCIES,
  roundsArgument,
  run,
  runRounds,
  timeOnFreshWorkspace,
  treeSize,
  writeProgram,
} from './bench-support.js';
import type { Column, NpmTools } from './bench-support.js';

interface ManagerBench {
  title: string;
  /** The command on the PATH (yarn 1 and yarn 4 are both "yarn"). */
  command: string;
  lockfile: string;
  /** Files beside package.json (yarn 4's linker). */
  config?: Record<string, string>;
  /** The variables that put its download cache or store into `dir`. */
  caches(dir: string): Record<string, string>;
  /** The install that makes the lockfile. */
  lock: string[];
  /** Its install as the action runs it where a lockfile exists. */
  install: string[];
  /** Its own install with a warm cache; undefined when it is `install` itself. */
  warmInstall?: string[];
  /** What an install writes into the program that a fresh checkout lacks. */
  installed: string[];
}

const MANAGERS: Record<TestManager, ManagerBench> = {
  pnpm: {
    title: 'pnpm 10',
    command: 'pnpm',
    lockfile: 'pnpm-lock.yaml',
    caches: (dir) => ({ npm_config_store_dir: join(dir, 'store'), npm_config_cache_dir: join(dir, 'cache'), npm_config_state_dir: join(dir, 'state') }),
    lock: ['install', '--no-frozen-lockfile'],
    install: ['install', '--frozen-lockfile'],
    warmInstall: ['install', '--frozen-lockfile', '--offline'],
    installed: ['node_modules'],
  },
  yarn1: {
    title: 'yarn 1',
    command: 'yarn',
    lockfile: 'yarn.lock',
    caches: (dir) => ({ YARN_CACHE_FOLDER: join(dir, 'cache') }),
    lock: ['install'],
    install: ['install', '--frozen-lockfile'],
    warmInstall: ['install', '--frozen-lockfile', '--offline'],
    installed: ['node_modules'],
  },
  yarn4: {
    title: 'yarn 4',
    command: 'yarn',
    lockfile: 'yarn.lock',
    // An empty yarn.lock: the program is a project of its own, not part of the repository around .tmp/bench.
    config: { '.yarnrc.yml': 'nodeLinker: node-modules\n', 'yarn.lock': '' },
    // The cache is the global one (enableGlobalCache), in the global folder.
    caches: (dir) => ({ YARN_GLOBAL_FOLDER: join(dir, 'berry'), YARN_ENABLE_TELEMETRY: '0' }),
    lock: ['install', '--no-immutable'],
    install: ['install', '--immutable'],
    // .yarn/install-state.gz: what yarn 4 resolved, beside the program.
    installed: ['node_modules', '.yarn'],
  },
  bun: {
    title: 'bun 1',
    command: 'bun',
    lockfile: 'bun.lock',
    caches: (dir) => ({ BUN_INSTALL_CACHE_DIR: join(dir, 'cache') }),
    lock: ['install'],
    install: ['install', '--frozen-lockfile'],
    installed: ['node_modules'],
  },
  // npm's row checks this script against the action as it is; bench-real-program.ts measures npm itself.
  npm: {
    title: 'npm',
    command: 'npm',
    lockfile: 'package-lock.json',
    caches: () => ({}),
    lock: ['install'],
    install: ['install'],
    warmInstall: ['ci', '--prefer-offline'],
    installed: ['node_modules'],
  },
};

const rounds = roundsArgument(process.argv[2]);
const chosen = process.argv.length > 3 ? process.argv.slice(3) : ['pnpm', 'yarn1', 'yarn4', 'bun'];
for (const id of chosen) if (!(id in MANAGERS)) throw new Error(`unknown manager "${id}": one of ${Object.keys(MANAGERS).join(', ')}`);
const benchDir = fileURLToPath(new URL('../.tmp/bench/managers/', import.meta.url));

/** One manager's fixture: the program it locked, its caches and its home, all under .tmp/bench/managers/<id>/. */
class Fixture {
  readonly dir: string;
  readonly program: string;
  readonly files: Record<string, string>;
  readonly tools: NpmTools;

  constructor(
    readonly id: TestManager,
    readonly manager: ManagerBench,
  ) {
    this.dir = join(benchDir, id);
    this.program = join(this.dir, 'program');
    this.files = realProgramFiles(`bench-${id}`, manager.config);
    // npm's own cache and prefix too: the action asks npm for its settings, whatever the manager.
    this.tools = npmTools(join(this.dir, 'caches', 'npm'), join(this.dir, 'global'));
  }

  /**
   * What the action and the manager both get: the manager, then Node 24 (as actions/setup-node puts it: @pulumi/pulumi
   * needs 22 or later), first on the machine's PATH; its caches; CI as on a runner.
   */
  managerEnv(): Record<string, string> {
    const path = pathWithManager(this.id, [dirname(node24()), machinePath()].join(delimiter));
    return { PATH: path, CI: 'true', ...this.manager.caches(join(this.dir, 'caches')) };
  }

  /** The manager's process outside the action: the action's variables, a home and a temp folder of its own. */
  async runManager(cwd: string, args: string[], actionEnv: Record<string, string>, tmp: string): Promise<unknown> {
    const env = { ...actionEnv, HOME: join(this.dir, 'home'), TMPDIR: tmp };
    await mkdir(env.HOME, { recursive: true });
    return run(this.manager.command, args, { cwd, env, timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
  }

  /** The program and its lockfile, installed once from the registry; the caches stay warm beside it. */
  async install(actionEnv: Record<string, string>): Promise<void> {
    if (existsSync(join(this.program, this.manager.lockfile)) && existsSync(join(this.program, 'node_modules'))) return;
    console.log(`Installing the fixture with ${this.manager.title} (${Object.keys(REAL_PROGRAM_DEPENDENCIES).join(', ')}) into ${this.dir}…`);
    await writeProgram(this.program, this.files);
    const tmp = await mkdtemp(join(benchDir, 'tmp-'));
    try {
      await this.runManager(this.program, this.manager.lock, actionEnv, tmp);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    if (!existsSync(join(this.program, this.manager.lockfile))) throw new Error(`${this.manager.title} wrote no ${this.manager.lockfile}`);
  }
}

async function measure(fixture: Fixture, server: CacheServer): Promise<Column> {
  const { manager } = fixture;
  const env = { ...(await actionEnvironment(server, fixture.tools)), ...fixture.managerEnv() };
  const version = (await run(manager.command, ['--version'], { env })).stdout.trim();
  console.log(`${manager.title}: ${version}, node_modules ${await treeSize(join(fixture.program, 'node_modules'))}.`);
  // The workspace beside the store; the temp folders in the system's (the action's socket paths must stay short).
  const workspace = await mkdtemp(join(benchDir, 'workspace-'));
  const temp = await mkdtemp(join(tmpdir(), 'bench-managers-'));
  try {
    const tmp = join(temp, 'tmp');
    await mkdir(tmp);
    for (const file of [...Object.keys(fixture.files), manager.lockfile]) await copyFile(join(fixture.program, file), join(workspace, file));
    const call = { workspace, env, tempParent: temp, inputs: { preset: 'current' } };
    const action = await actionContenders({ server, name: fixture.id, call, command: manager.command, installed: manager.installed });
    const time = (work: () => Promise<unknown>) => timeOnFreshWorkspace(workspace, work, undefined, manager.installed);
    const ownInstall = () => time(() => fixture.runManager(workspace, manager.install, env, tmp));
    const { warmInstall } = manager;
    const times = await runRounds(
      rounds,
      {
        actionWarm: action.warm,
        tar: () => time(() => extractArchive(action.archive.archivePath, workspace)),
        ...(warmInstall && { ownWarm: () => time(() => fixture.runManager(workspace, warmInstall, env, tmp)) }),
        actionCold: action.cold,
        ownInstall,
      },
      `${manager.title}: `,
    );
    const medians = Object.fromEntries(Object.entries(times).map(([contender, values]) => [contender, median(values)]));
    console.log(`${manager.title}: the action's phases, warm (last round): ${action.phases.warm}.`);
    console.log(`${manager.title}: the action's phases, cold (last round): ${action.phases.cold}.`);
    return { name: manager.title, archiveBytes: action.archive.size, medians: { ownWarm: medians.ownInstall ?? NaN, ...medians } };
  } finally {
    for (const dir of [workspace, temp]) await rm(dir, { recursive: true, force: true });
  }
}

const fixtures = chosen.map((id) => new Fixture(id as TestManager, MANAGERS[id as TestManager]));
const server = await startCacheServer();
const results: Column[] = [];
try {
  for (const fixture of fixtures) await fixture.install({ ...(await actionEnvironment(server, fixture.tools)), ...fixture.managerEnv() });
  for (const fixture of fixtures) {
    // One manager's failure (the action's, or its own) leaves the others' figures standing.
    try {
      results.push(await measure(fixture, server));
    } catch (error) {
      console.error(`${fixture.manager.title}: not measured: ${(error as Error).message}`);
      process.exitCode = 1;
    }
  }
} finally {
  await server.stop();
}
console.log(`\nMedians of ${rounds} round(s), preset current; the manager's own installs with a warm cache or store:`);
const { times, ratios } = actionRows("the manager's own install, warm cache", "the manager's install (frozen)");
printTable(results, [
  ...times,
  ['archive size', archiveSize],
  'Ratios (goals: warm <= 1.3 x tar and <= 0.3 x own warm install; cold <= 1.15 x own install):',
  ...ratios,
]);
for (const { manager } of fixtures.filter((fixture) => results.some((result) => result.name === fixture.manager.title))) {
  const commandLine = (args: string[]) => `"${manager.command} ${args.join(' ')}"`;
  console.log(`${manager.title}: own install ${commandLine(manager.install)}, own warm install ${commandLine(manager.warmInstall ?? manager.install)}.`);
}
