import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { errorsOf, failureOf } from './support/e2e.js';
import { managerCommand, packageManagerField, pathWithManager, type TestManager } from './support/managers.js';
import { node24 } from './support/node24.js';
import { machinePath, runProcess } from './support/process.js';
import { asWorkflow, jobSteps, readReadme, usesThisAction, yamlBlocks } from './support/readme-workflows.js';
import { runAction, runPlaces, type ActionRun, type StepResult } from './support/runner.js';
import { assertNoSecret } from './support/secret-scan.js';
import { installedPackage } from './support/fixtures.js';
import type { FixturePackage } from './support/registry.js';
import { useCacheServer, useRegistry } from './support/servers.js';
import { BERRY_PROJECT_RC } from './support/yarn.js';

// The README's first example, copied unchanged into the workflow of a program of today, for each package manager: the
// bundle runs as the runner runs it with exactly that step's inputs, then the README's `run:` step builds the program.
// The registry is a mirror configured as organisations configure one, in the runner's user config, not as inputs.

/** The step of "One program" that uses the action, and the `run:` step after it, as README.md has them. */
async function readmeFirstExample(): Promise<{ inputs: Record<string, string>; run: string }> {
  const [block] = yamlBlocks(await readReadme());
  assert.equal(block?.heading, 'One program', "README.md's first yaml block is the one under ### One program");
  const [steps = []] = jobSteps(asWorkflow(block!)!);
  const at = steps.findIndex(usesThisAction);
  assert.equal(steps[at]?.['uses'], 'setup-pulumi-npm/setup-pulumi-npm@v1');
  const run = steps[at + 1]?.['run'];
  assert.ok(typeof run === 'string' && /^npm run \S+/.test(run), `the step after the action runs an npm script: ${String(run)}`);
  const inputs = Object.entries((steps[at]!['with'] as Record<string, unknown> | undefined) ?? {}).map(([name, value]) => [name, String(value)]);
  return { inputs: Object.fromEntries(inputs), run };
}

/** The managers the runner lacks, which the action installs with npm: the real ones, as the public registry serves them. */
const PNPM = installedPackage('pnpm');
const YARN_BERRY = installedPackage('@yarnpkg/cli-dist');
/** What the public registry serves a program of today (small stand-ins for Pulumi's packages) and the action. */
const PACKAGES: FixturePackage[] = [
  { name: '@pulumi/pulumi', version: '3.228.0' },
  { name: '@pulumi/random', version: '4.18.0', dependencies: { '@pulumi/pulumi': '^3.0.0' } },
  PNPM,
  YARN_BERRY,
];
/** A Pulumi Cloud token in the job's env (for `pulumi up`): nothing routes the scope, so it must go nowhere. */
const BACKEND_TOKEN = 'pul-backend-only-fedcba9876543210fedcba98765';

const example = await readmeFirstExample();
const [registry, server] = await Promise.all([useRegistry({ packages: PACKAGES, publicScope: true }), useCacheServer()]);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-readme-first-example-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

interface ManagerCase {
  manager: TestManager;
  lockfile: string;
  /** The manager's own command that writes the lockfile and nothing else the repository keeps. */
  lockArgs: string[];
  /** `packageManager` in package.json, as that manager's users write it (`yarn set version`, corepack). */
  declared: boolean;
  /** Files beside package.json that the manager needs and its users commit. */
  files?: Record<string, string>;
  /** The package the action installs with npm because the runner has no such manager, or one of another line. */
  installedByAction?: FixturePackage;
}

const CASES: ManagerCase[] = [
  {
    manager: 'npm',
    lockfile: 'package-lock.json',
    lockArgs: ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'],
    declared: false,
  },
  {
    manager: 'pnpm',
    lockfile: 'pnpm-lock.yaml',
    lockArgs: ['install', '--lockfile-only', '--no-frozen-lockfile'],
    declared: true,
    installedByAction: PNPM,
  },
  { manager: 'yarn1', lockfile: 'yarn.lock', lockArgs: ['install', '--ignore-scripts', '--non-interactive'], declared: false },
  {
    manager: 'yarn4',
    lockfile: 'yarn.lock',
    lockArgs: ['install', '--no-immutable', '--mode=update-lockfile'],
    declared: true,
    files: { '.yarnrc.yml': BERRY_PROJECT_RC },
    installedByAction: YARN_BERRY,
  },
  { manager: 'bun', lockfile: 'bun.lock', lockArgs: ['install', '--lockfile-only'], declared: false },
];

/** A program of today: the provider it imports, @pulumi/pulumi for the language host, a build that loads both. */
function todayProgram({ manager, declared }: ManagerCase): Record<string, unknown> {
  return {
    name: 'today',
    version: '1.0.0',
    private: true,
    main: 'index.js',
    scripts: { build: 'node index.js' },
    dependencies: { '@pulumi/pulumi': '^3.0.0', '@pulumi/random': '^4.0.0' },
    ...(declared && manager !== 'npm' && { packageManager: packageManagerField(manager) }),
  };
}
const PROGRAM_SOURCE = [
  "const random = require('@pulumi/random');",
  "const pulumi = require('@pulumi/pulumi');",
  'console.log(`built with ${random.name} ${random.version} and ${pulumi.name} ${pulumi.version}`);',
  '',
].join('\n');

/** The runner's user config, pointing every manager at the mirror. */
function writeUserConfig(home: string, manager: TestManager): void {
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(path.join(home, '.npmrc'), `registry=${registry.url}\n`);
  // Yarn 2+ reads no .npmrc, and fetches over http only from the hosts it is told to. It holds back versions younger
  // than a day, and the mirror's are a moment old.
  const yarnrc = `npmRegistryServer: "${registry.url}"\nunsafeHttpWhitelist:\n  - "127.0.0.1"\nnpmMinimalAgeGate: 0\n`;
  if (manager === 'yarn4') fs.writeFileSync(path.join(home, '.yarnrc.yml'), yarnrc);
}

/** Node.js 24 and npm, as actions/setup-node leaves them. */
const NODE_PATH = [path.dirname(node24()), machinePath()].join(path.delimiter);

/**
 * PATH on ubuntu-latest after the README's steps: Node.js 24 and npm, and the image's yarn 1; no pnpm, no bun. Bun
 * alone is there, as oven-sh/setup-bun would put it: for a missing one the action installs bun from the registry,
 * which would have to serve its 107 MB binary here.
 */
const runnerPath = (manager: TestManager) => pathWithManager(manager === 'bun' ? 'bun' : 'yarn1', NODE_PATH);

/** What a fresh runner's job has beside the action's own variables, or a laptop's (with its manager on the PATH). */
function jobEnv(manager: TestManager, runnerDir: string, PATH = runnerPath(manager)): Record<string, string> {
  return {
    PATH,
    YARN_ENABLE_TELEMETRY: '0',
    // Yarn 1 run by root (as here, not on a runner) keeps its cache in /usr/local/share whatever HOME says.
    ...(manager === 'yarn1' && { YARN_CACHE_FOLDER: path.join(runnerDir, 'yarn-cache') }),
  };
}

/** The repository's commit: the program, and the lockfile its manager wrote against the mirror. */
async function commit(testCase: ManagerCase): Promise<string> {
  const dir = path.join(scratch, testCase.manager, 'commit');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'Pulumi.yaml'), 'name: today\nruntime: nodejs\n');
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(todayProgram(testCase), null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'index.js'), PROGRAM_SOURCE);
  for (const [file, text] of Object.entries(testCase.files ?? {})) fs.writeFileSync(path.join(dir, file), text);
  const laptop = path.join(scratch, testCase.manager, 'laptop');
  const work = path.join(laptop, 'program');
  fs.cpSync(dir, work, { recursive: true });
  writeUserConfig(path.join(laptop, 'home'), testCase.manager);
  const env = {
    ...jobEnv(testCase.manager, laptop, pathWithManager(testCase.manager, NODE_PATH)),
    HOME: path.join(laptop, 'home'),
    TMPDIR: laptop,
    CI: 'true',
  };
  const made = await runProcess(managerCommand(testCase.manager), testCase.lockArgs, { cwd: work, env, timeoutMs: 120_000 });
  assert.equal(made.exitCode, 0, `${made.stdout}\n${made.stderr}`);
  fs.copyFileSync(path.join(work, testCase.lockfile), path.join(dir, testCase.lockfile));
  fs.rmSync(laptop, { recursive: true, force: true });
  return dir;
}

/** A job on a fresh runner: a checkout of the commit, a HOME with the mirror configured, the README's step. */
async function job(testCase: ManagerCase, commitDir: string, name: string): Promise<{ run: ActionRun; workspace: string; env: Record<string, string> }> {
  const runnerDir = path.join(scratch, testCase.manager, name);
  const workspace = path.join(runnerDir, 'repo');
  fs.cpSync(commitDir, workspace, { recursive: true });
  const home = path.join(runnerDir, 'home');
  writeUserConfig(home, testCase.manager);
  const env = jobEnv(testCase.manager, runnerDir);
  const run = await runAction({
    workspace,
    home,
    tempParent: runnerDir,
    inputs: example.inputs,
    env: { ...server.env('v2'), ...env, PULUMI_ACCESS_TOKEN: BACKEND_TOKEN },
  });
  await assertNoSecret(BACKEND_TOKEN, runPlaces(run, [runnerDir]));
  return { run, workspace, env: { ...env, HOME: home, TMPDIR: run.tmpDir } };
}

/** The README's `run:` step, with the program's manager for npm, as the runner runs it (bash -e, the paths the action added). */
async function runStep(testCase: ManagerCase, main: StepResult, workspace: string, env: Record<string, string>): Promise<string> {
  const script = example.run.replace(/^npm\b/, managerCommand(testCase.manager));
  const PATH = [...[...main.paths].reverse(), env['PATH']].join(path.delimiter);
  const step = await runProcess('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    cwd: workspace,
    env: { ...env, ...main.exportedEnv, PATH, CI: 'true' },
    timeoutMs: 120_000,
  });
  assert.equal(step.exitCode, 0, `${script}\n${step.stdout}\n${step.stderr}`);
  return step.stdout;
}

function assertStepsSucceeded(run: ActionRun): void {
  assert.equal(run.main.exitCode, 0, `${failureOf(run.main)}\n${run.main.log}`);
  assert.equal(run.post?.exitCode, 0, run.post?.log);
  assert.deepEqual(
    [...errorsOf(run.main), ...errorsOf(run.post!)].map((error) => error.message),
    [],
  );
  assert.deepEqual(JSON.parse(run.main.outputs['programs'] ?? ''), ['.']);
}

describe("the README's first example, copied unchanged, for a program of today", () => {
  for (const testCase of CASES) {
    it(`${testCase.manager}: installs, saves the cache, restores it on a fresh checkout, keeps the files, and the run: step builds`, async () => {
      const commitDir = await commit(testCase);
      const committed = (file: string) => fs.readFileSync(path.join(commitDir, file));
      for (const [name, cacheHit] of [
        ['first-run', 'false'],
        ['fresh-checkout', 'true'],
      ] as const) {
        const { run, workspace, env } = await job(testCase, commitDir, name);
        try {
          assertStepsSucceeded(run);
          assert.equal(run.main.outputs['cache-hit'], cacheHit, `${name}: cache-hit\n${run.main.log}`);
          const installed = testCase.installedByAction;
          const installedNote = /: installed (\S+) with npm into /.exec(run.main.log)?.[1];
          assert.equal(installedNote, installed && `${installed.name}@${installed.version}`, 'the manager the action installed for the runner');
          for (const file of ['package.json', testCase.lockfile]) {
            assert.deepEqual(fs.readFileSync(path.join(workspace, file)), committed(file), `${name}: ${file} is byte-identical`);
          }
          const built = await runStep(testCase, run.main, workspace, env);
          assert.match(built, /built with @pulumi\/random 4\.18\.0 and @pulumi\/pulumi 3\.228\.0/);
        } finally {
          await run.cleanup();
          fs.rmSync(path.dirname(workspace), { recursive: true, force: true });
        }
      }
    });
  }
});
