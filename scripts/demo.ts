// `npm start`: the whole job, locally, in three runs of the bundled dist/ on Node.js 24 as the Actions runner runs it
// (inputs, file commands, main then post), against a Verdaccio registry on 127.0.0.1 that serves the @pulumi packages
// only with a token, and this repository's test cache service:
//   1. a first run installs the example programs and saves node_modules to the cache;
//   2. a run on a fresh checkout restores it, and skips the install;
//   3. a program that breaks the dependency policy fails the job, with an annotation on the offending line.
// Everything it made stays under .tmp/demo/ until the next `npm start`.
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCacheServer, type CacheServer } from '../__tests__/support/cache-server.js';
import { startRegistry, type TestRegistry } from '../__tests__/support/registry.js';
import { readStdoutLines, runAction, type ActionRun, type WorkflowCommand } from '../__tests__/support/runner.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const demoDir = path.join(root, '.tmp', 'demo');
const programs = ['examples/aws-program', 'examples/cloud-program'];

interface Run {
  title: string;
  dir: string;
  run: ActionRun;
  seconds: number;
}

await fs.rm(demoDir, { recursive: true, force: true });
await fs.mkdir(demoDir, { recursive: true });
const [registry, cacheServer] = await Promise.all([startRegistry(), startCacheServer()]);
try {
  console.log(`Registry: ${registry.url} (the @pulumi scope needs a token; it has no "pulumi" package, which is linked from examples/pulumi-sdk)`);
  console.log(`Cache service: ${cacheServer.url} (the Actions cache, as @actions/cache speaks to it)\n`);

  // The repository a user would have: the examples with the lockfiles npm wrote for them, committed.
  const committed = path.join(demoDir, '0-commit', 'repo');
  await fs.cp(path.join(root, 'examples'), path.join(committed, 'examples'), { recursive: true });
  const prepared = await runJob(registry, cacheServer, '0-commit', committed, { cache: 'false' });
  if (prepared.run.main.exitCode !== 0) throw new Error(`writing the lockfiles failed:\n${prepared.run.main.log}`);
  for (const program of programs) await fs.rm(path.join(committed, program, 'node_modules'), { recursive: true });
  console.log(`A repository with two programs and their lockfiles: ${path.relative(root, committed)}\n`);

  const first = await runJob(registry, cacheServer, '1-first-run', await checkout(committed, '1-first-run'));
  show('1. First run: nothing cached yet, so it installs, then saves node_modules to the cache', first);
  const second = await runJob(registry, cacheServer, '2-fresh-runner', await checkout(committed, '2-fresh-runner'));
  show('2. The same commit on a fresh runner: the cache has the tree, so it restores it and skips the install', second);
  const broken = await checkout(committed, '3-violation');
  await breakPolicy(path.join(broken, 'examples/aws-program/package.json'));
  const violation = await runJob(registry, cacheServer, '3-violation', broken);
  show('3. A commit that lists @pulumi/aws in devDependencies: the policy fails the job before anything is installed', violation);

  const configs = [first, second, violation].flatMap((job) => job.run.main.outputs['npmrc'] || []);
  const configsRemoved = configs.every((npmrc) => !existsSync(path.dirname(npmrc)));
  console.log(
    [
      '── What this showed ──',
      `The first run installed both programs and saved their node_modules (${seconds(first)}, cache-hit ${first.run.main.outputs['cache-hit']});`,
      `the second, on a fresh checkout, restored them and skipped npm install (${seconds(second)}, cache-hit ${second.run.main.outputs['cache-hit']}).`,
      `The third failed (exit ${violation.run.main.exitCode}) with an annotation on the line that breaks the policy; on GitHub it shows on that line`,
      `in the pull request's changed files. ${configsRemoved ? "Each run's post step removed the npm config it wrote." : 'A post step left its npm config!'}`,
      '',
      `Everything is kept under ${path.relative(root, demoDir)}/ until the next npm start. 0-commit/repo is the repository (examples/ and the`,
      'lockfiles a first install wrote); each run has its own folder with repo/ (its checkout, with node_modules), log.txt (the',
      'log as printed here), summary.md (the job summary), report.json (the JSON report) and action-run-*/ (RUNNER_TEMP, HOME).',
    ].join('\n'),
  );
  const expected = first.run.main.exitCode === 0 && second.run.main.outputs['cache-hit'] === 'true' && violation.run.main.exitCode === 1;
  process.exitCode = expected && configsRemoved ? 0 : 1;
} finally {
  await Promise.all([registry.stop(), cacheServer.stop()]);
}

/** A fresh checkout of the commit: the programs and their lockfiles, no node_modules. */
async function checkout(commit: string, name: string): Promise<string> {
  const workspace = path.join(demoDir, name, 'repo');
  await fs.cp(commit, workspace, { recursive: true });
  return workspace;
}

async function breakPolicy(packageJson: string): Promise<void> {
  const manifest = JSON.parse(await fs.readFile(packageJson, 'utf8')) as Record<string, unknown>;
  const { dependencies, ...rest } = manifest;
  await fs.writeFile(packageJson, `${JSON.stringify({ ...rest, devDependencies: dependencies }, null, 2)}\n`);
}

/** One job on a fresh runner: its own HOME, RUNNER_TEMP, npm cache and global folder; the cache service is shared. */
async function runJob(registry: TestRegistry, cache: CacheServer, name: string, workspace: string, inputs: Record<string, string> = {}): Promise<Run> {
  const dir = path.join(demoDir, name);
  const started = performance.now();
  const run = await runAction({
    workspace,
    tempParent: dir,
    inputs: {
      'pulumi-access-token': registry.tokens.ci,
      'registry-url': registry.url,
      'working-directory': programs.join('\n'),
      'link-path': 'examples/pulumi-sdk',
      ...inputs,
    },
    env: {
      ...cache.env('v2'),
      NPM_CONFIG_REGISTRY: registry.url,
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
