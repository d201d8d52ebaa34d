// `npm start`: the whole job, locally, in four runs of the bundled dist/ on Node.js 24 as the Actions runner runs it
// (inputs, file commands, main then post), against Verdaccio registries on 127.0.0.1 and this repository's test
// cache service. First a program of today (examples/today-program), with the step as most users write it, no inputs:
//   1. a first run detects npm and the `current` preset, installs, and saves node_modules to the cache;
//   2. a run on a fresh checkout restores it, and skips the install;
//   3. a commit that imports a package it does not list fails the job, with an annotation on the offending line.
// Then the layout of Pulumi's 0.10 docs (examples/aws-program and cloud-program), with the token and the SDK to link:
//   4. the @pulumi scope is routed to a registry that serves it only with a token, through the credential proxy, and
//      `pulumi` is linked from examples/pulumi-sdk.
// Everything it made stays under .tmp/demo/ until the next `npm start`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCacheServer, type CacheServer } from '../__tests__/support/cache-server.js';
import { startRegistry, type FixturePackage, type TestRegistry } from '../__tests__/support/registry.js';
import { node24 } from '../__tests__/support/node24.js';
import { machinePath } from '../__tests__/support/process.js';
import { readStdoutLines, runAction, type ActionRun, type WorkflowCommand } from '../__tests__/support/runner.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const demoDir = path.join(root, '.tmp', 'demo');
const todayProgram = 'examples/today-program';
const layout010Programs = ['examples/aws-program', 'examples/cloud-program'];
/** What today's public registry serves the program of today (a mirror, as many organisations configure npm with). */
const TODAY_PACKAGES: FixturePackage[] = [
  { name: '@pulumi/pulumi', version: '3.228.0' },
  { name: '@pulumi/random', version: '4.18.0', dependencies: { '@pulumi/pulumi': '^3.0.0' } },
];

interface Run {
  title: string;
  dir: string;
  run: ActionRun;
  seconds: number;
}

await fs.rm(demoDir, { recursive: true, force: true });
await fs.mkdir(demoDir, { recursive: true });
const [mirror, proxy, cacheServer] = await Promise.all([startRegistry({ packages: TODAY_PACKAGES, publicScope: true }), startRegistry(), startCacheServer()]);
try {
  console.log(`Registry of today: ${mirror.url} (anyone reads @pulumi, as on registry.npmjs.org; npm is configured to use it, as with a mirror)`);
  console.log(`Registry of the 0.10 layout: ${proxy.url} (the @pulumi scope needs a token, as the Pulumi npm proxy did; no "pulumi" package)`);
  console.log(`Cache service: ${cacheServer.url} (the Actions cache, as @actions/cache speaks to it)\n`);

  // The repositories users would have: a program of today at the root, with the lockfile npm wrote for it,
  // committed; and the programs of the 0.10 layout with the SDK they link.
  const today = path.join(demoDir, '0-commit', 'today');
  await fs.cp(path.join(root, todayProgram), today, { recursive: true });
  writeLockfile(today, mirror.url);
  const layout010 = path.join(demoDir, '0-commit', 'layout-0.10');
  for (const program of [...layout010Programs, 'examples/pulumi-sdk'])
    await fs.cp(path.join(root, program), path.join(layout010, program), { recursive: true });
  console.log(`The repositories: ${path.relative(root, today)} (${todayProgram} and its package-lock.json), ${path.relative(root, layout010)}\n`);

  const todayJob = { registry: mirror, inputs: {} };
  const first = await runJob(todayJob, cacheServer, '1-first-run', await checkout(today, '1-first-run'));
  show('1. A program of today, no inputs: nothing cached yet, so it installs with npm, then saves node_modules', first);
  const second = await runJob(todayJob, cacheServer, '2-fresh-runner', await checkout(today, '2-fresh-runner'));
  show('2. The same commit on a fresh runner: the cache has the tree, so it restores it and skips the install', second);
  const broken = await checkout(today, '3-violation');
  await fs.appendFile(path.join(broken, 'index.js'), "exports.region = require('@pulumi/aws').config.region;\n");
  const violation = await runJob(todayJob, cacheServer, '3-violation', broken);
  show('3. A commit that imports @pulumi/aws without listing it: the policy fails the job before anything is installed', violation);
  const layout010Job = {
    registry: proxy,
    inputs: {
      'pulumi-access-token': proxy.tokens.ci,
      'registry-url': proxy.url,
      'working-directory': layout010Programs.join('\n'),
      'link-path': 'examples/pulumi-sdk',
    },
  };
  const routed = await runJob(layout010Job, cacheServer, '4-layout-0.10', await checkout(layout010, '4-layout-0.10'));
  show("4. The layout of Pulumi's 0.10 docs: the token, the scope routed through the credential proxy, pulumi linked", routed);

  const jobs = [first, second, violation, routed];
  const configs = jobs.flatMap((job) => job.run.main.outputs['npmrc'] || []);
  const configsRemoved = configs.length > 0 && configs.every((npmrc) => !existsSync(path.dirname(npmrc)));
  console.log(
    [
      '── What this showed ──',
      `The program of today needed no input: npm and the current preset were detected, it installed and saved its node_modules`,
      `(${seconds(first)}, cache-hit ${first.run.main.outputs['cache-hit']}); on a fresh checkout it restored them and skipped npm install`,
      `(${seconds(second)}, cache-hit ${second.run.main.outputs['cache-hit']}).`,
      `The broken commit failed (exit ${violation.run.main.exitCode}) with an annotation on the offending line; on GitHub it shows on that line in the`,
      `pull request's changed files. The 0.10 layout installed through the credential proxy, which alone held the token (exit`,
      `${routed.run.main.exitCode}); ${configsRemoved ? 'its post step removed the npm config it wrote.' : 'a post step left its npm config!'}`,
      '',
      `Everything is kept under ${path.relative(root, demoDir)}/ until the next npm start. 0-commit/ holds the repositories; each run has`,
      'its own folder with repo/ (its checkout, with node_modules), log.txt (the log as printed here), summary.md (the job',
      'summary), report.json (the JSON report) and action-run-*/ (RUNNER_TEMP, HOME).',
    ].join('\n'),
  );
  const expected =
    first.run.main.exitCode === 0 && second.run.main.outputs['cache-hit'] === 'true' && violation.run.main.exitCode === 1 && routed.run.main.exitCode === 0;
  process.exitCode = expected && configsRemoved ? 0 : 1;
} finally {
  await Promise.all([mirror.stop(), proxy.stop(), cacheServer.stop()]);
}

/** The lockfile a user would have committed: npm's own, resolved from the registry npm is configured for. */
function writeLockfile(dir: string, registryUrl: string): void {
  const npm = spawnSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NPM_CONFIG_REGISTRY: registryUrl, NPM_CONFIG_CACHE: path.join(demoDir, 'npm-cache'), NPM_CONFIG_UPDATE_NOTIFIER: 'false' },
  });
  if (npm.status !== 0) throw new Error(`writing the lockfile of ${dir} failed:\n${npm.stderr}`);
}

/** A fresh checkout of the commit: the programs and their lockfiles, no node_modules. */
async function checkout(commit: string, name: string): Promise<string> {
  const workspace = path.join(demoDir, name, 'repo');
  await fs.cp(commit, workspace, { recursive: true });
  return workspace;
}

/** One job on a fresh runner: its own HOME, RUNNER_TEMP, npm cache and global folder; the cache service is shared. */
async function runJob(job: { registry: TestRegistry; inputs: Record<string, string> }, cache: CacheServer, name: string, workspace: string): Promise<Run> {
  const dir = path.join(demoDir, name);
  const started = performance.now();
  const run = await runAction({
    workspace,
    tempParent: dir,
    inputs: job.inputs,
    env: {
      ...cache.env('v2'),
      // What the README's example does with actions/setup-node (node-version: 24): Node.js 24 first on the PATH, so
      // the cache key names it (node24), as it names the Node.js on the PATH on a runner.
      PATH: [path.dirname(node24()), machinePath()].join(path.delimiter),
      NPM_CONFIG_REGISTRY: job.registry.url,
      NPM_CONFIG_CACHE: path.join(dir, 'npm-cache'),
      NPM_CONFIG_PREFIX: path.join(dir, 'npm-prefix'),
      NPM_CONFIG_UPDATE_NOTIFIER: 'false',
    },
  });
  const result = { title: name, dir, run, seconds: (performance.now() - started) / 1000 };
  await fs.writeFile(path.join(dir, 'log.txt'), `${humanLog(run.main.stdout)}\n\n── post step ──\n${humanLog(run.post?.stdout ?? '')}\n`);
  await fs.writeFile(path.join(dir, 'summary.md'), run.main.summary);
  const report = run.main.outputs['report'];
  if (report) await fs.copyFile(report, path.join(dir, 'report.json'));
  return result;
}

function show(title: string, job: Run): void {
  console.log(`━━ ${title} ━━`);
  console.log(humanLog(job.run.main.stdout));
  console.log(`→ exit ${job.run.main.exitCode}, ${seconds(job)}; outputs: ${JSON.stringify(job.run.main.outputs, ['cache-hit', 'violations'])}`);
  console.log(`  post step: exit ${job.run.post?.exitCode}; files: ${path.relative(root, job.dir)}/\n`);
}

function seconds(job: Run): string {
  return `${job.seconds.toFixed(1)} s`;
}

/**
 * The log as a person reads it in the Actions UI: groups as headings, annotations as one line with their place,
 * debug lines (hidden there unless step debugging is on) and the runner's control lines left out.
 */
function humanLog(stdout: string): string {
  return readStdoutLines(stdout)
    .flatMap((line) => {
      if (line.control) return [];
      if (!line.command) return [line.text];
      return humanCommand(line.command);
    })
    .join('\n')
    .trimEnd();
}

function humanCommand({ command, properties, message }: WorkflowCommand): string[] {
  if (command === 'group') return [`▸ ${message}`];
  if (command === 'error' || command === 'warning' || command === 'notice') {
    const { file, line, col, title } = properties;
    const place = file ? ` ${[file, line, col].filter(Boolean).join(':')}` : '';
    return [`${command.toUpperCase()}${place}${title ? ` [${title}]` : ''}: ${message}`];
  }
  return [];
}
