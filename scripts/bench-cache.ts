/**
 * Benchmark of the node_modules cache (not a test): on a program with a realistic tree installed from the npm
 * registry, compares side by side
 *   - this action, the bundled dist/ run on Node 24 as the runner runs it, with a warm cache (exact hit: restore,
 *     verify, skip the install, link) against the test registry for its token check,
 *   - the cache path alone: restore from a warm cache (test cache service, protocol v2) + verify + `npm link pulumi`,
 *   - `npm ci` with a warm npm download cache (what actions/setup-node's cache gives),
 *   - a bare `tar` extraction of the same archive (the floor).
 * Run: node --import tsx scripts/bench-cache.ts [rounds]
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { startCacheServer } from '../__tests__/support/cache-server.js';
import { startRegistry } from '../__tests__/support/registry.js';
import { runAction } from '../__tests__/support/runner.js';
import { cachePaths } from '../src/cache/paths.js';
import { restoreNodeModules } from '../src/cache/restore.js';
import { saveNodeModules } from '../src/cache/save.js';
import { isInstalledTreeCurrent } from '../src/cache/verify.js';

const run = promisify(execFile);
const FIXTURE_DEPENDENCIES = { express: '^4.21.2', webpack: '^5.97.1', eslint: '^9.17.0' };
const LINKS = ['pulumi'];
const KEY = 'bench-setup-pulumi-npm';
const rounds = Math.max(1, Math.min(10, Number(process.argv[2] ?? 3) || 3));

const root = await mkdtemp(join(tmpdir(), 'bench-cache-'));
const workspace = join(root, 'workspace');
const npmEnv = { ...process.env, npm_config_cache: join(root, 'npm-cache'), npm_config_prefix: join(root, 'global'), npm_config_update_notifier: 'false' };
const npm = (cwd: string, ...args: string[]) => run('npm', [...args, '--no-audit', '--no-fund'], { cwd, env: npmEnv, timeout: 600_000 });
const [server, registry] = await Promise.all([startCacheServer(), startRegistry()]);

try {
  console.log(`Installing the fixture (${Object.keys(FIXTURE_DEPENDENCIES).join(', ')}) from the registry…`);
  await mkdir(workspace, { recursive: true });
  await writeFile(join(workspace, 'package.json'), JSON.stringify({ name: 'bench-fixture', version: '1.0.0', dependencies: FIXTURE_DEPENDENCIES }));
  await npm(workspace, 'install');
  const { stdout: listing } = await npm(workspace, 'ls', '--all', '--parseable');
  console.log(`Fixture: ${listing.trim().split('\n').length - 1} packages.`);
  await mkdir(join(root, 'pulumi'));
  await writeFile(join(root, 'pulumi/package.json'), '{"name":"pulumi","version":"0.10.0"}');
  await npm(join(root, 'pulumi'), 'link');
  await npm(workspace, 'link', 'pulumi', '--offline');

  Object.assign(process.env, server.env('v2'), { GITHUB_WORKSPACE: workspace, RUNNER_TEMP: join(root, 'runner-temp') });
  const paths = await cachePaths(workspace, ['.'], LINKS);
  const saved = await saveNodeModules(paths, KEY);
  if (!saved.saved) throw new Error(`could not warm the cache: ${saved.message?.text}`);
  const archive = server.entries()[0];
  if (!archive) throw new Error('the cache service holds no entry');
  console.log(`Archive: ${(archive.size / 1024 / 1024).toFixed(1)} MiB.`);

  const fresh = () => rm(join(workspace, 'node_modules'), { recursive: true, force: true });
  const restoreAndVerify = async () => {
    const restored = await restoreNodeModules(paths, { primaryKey: KEY, restoreKeys: [] });
    const verdict = await isInstalledTreeCurrent(workspace, LINKS);
    if (!restored.hit || !verdict.current) throw new Error(`the warm cache path would install: ${restored.message?.text} ${verdict.reason ?? ''}`);
  };
  /** Times `work` alone, on a workspace without node_modules that `setup` then prepares. */
  const measure = async (work: () => Promise<unknown>, setup: () => Promise<unknown> = async () => undefined) => {
    await fresh();
    await setup();
    // Flush what the removal and the setup left pending, so that no contender pays for the previous one's writes.
    await run('sync');
    const start = performance.now();
    await work();
    return performance.now() - start;
  };
  // The action as a user runs it: main step only (post just removes the config folder).
  // The runner's clean environment: only what npm needs here, including the machine's CA file (npm reads its global
  // config from the prefix, which this benchmark moves).
  const caFile = (await run('npm', ['config', 'get', 'cafile'], { env: process.env })).stdout.trim();
  const actionEnv = {
    ...server.env('v2'),
    NPM_CONFIG_CACHE: npmEnv.npm_config_cache,
    NPM_CONFIG_PREFIX: npmEnv.npm_config_prefix,
    ...(caFile && caFile !== 'null' ? { NPM_CONFIG_CAFILE: caFile } : {}),
  };
  const actionInputs = {
    'pulumi-access-token': registry.tokens.ci,
    'registry-url': registry.url,
    'install-command': 'npm ci',
    'cache-key-prefix': 'bench-action',
  };
  const runTheAction = async () => {
    const run = await runAction({ workspace, inputs: actionInputs, env: actionEnv, runPost: false, timeoutMs: 600_000 });
    await run.cleanup();
    if (run.main.exitCode !== 0) throw new Error(`the action failed:\n${run.main.log.slice(-2000)}`);
    return run.main;
  };
  await fresh();
  await runTheAction(); // warms the action's own cache entry (a miss that installs and saves)
  const action = async () => {
    await fresh();
    await run('sync');
    const start = performance.now();
    const main = await runTheAction();
    const elapsed = performance.now() - start;
    if (main.outputs['cache-hit'] !== 'true' || !/skipping "npm ci"/.test(main.log)) throw new Error('the action did not take the warm-cache path');
    return elapsed;
  };
  const contenders: Record<string, () => Promise<number>> = {
    action,
    restore: () => measure(restoreAndVerify),
    link: () => measure(() => npm(workspace, 'link', 'pulumi', '--offline'), restoreAndVerify),
    npmCi: () => measure(() => npm(workspace, 'ci', '--prefer-offline')),
    tar: () => measure(() => run('tar', ['-xf', archive.archivePath, '-P', '-C', workspace, '--use-compress-program', 'unzstd'])),
  };
  const times: Record<string, number[]> = {};
  for (let round = 1; round <= rounds; round++) {
    for (const [name, contender] of Object.entries(contenders)) (times[name] ??= []).push(await contender());
    console.log(`Round ${round}/${rounds} done.`);
  }

  const median = (values: number[] = []) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const [actionMs, restore, link, npmCi, tar] = ['action', 'restore', 'link', 'npmCi', 'tar'].map((name) => median(times[name]));
  if (actionMs === undefined || restore === undefined || link === undefined || npmCi === undefined || tar === undefined)
    throw new Error('a contender did not run');
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`\nMedians of ${rounds} round(s):`);
  console.log(`  the action, warm cache (dist)   ${seconds(actionMs)}`);
  console.log(`  cache restore + verify          ${seconds(restore)}`);
  console.log(`  + npm link pulumi               ${seconds(link)}   (total ${seconds(restore + link)})`);
  console.log(`  npm ci, warm npm cache          ${seconds(npmCi)}`);
  console.log(`  bare tar extraction             ${seconds(tar)}`);
  console.log('\nRatios (goal: cache path <= 0.25 x npm ci, <= 1.2 x bare extraction):');
  console.log(`  the action / npm ci             ${(actionMs / npmCi).toFixed(3)}`);
  console.log(`  the action / bare tar           ${(actionMs / tar).toFixed(3)}`);
  console.log(`  restore + verify / npm ci       ${(restore / npmCi).toFixed(3)}`);
  console.log(`  restore + verify + link / npm ci ${((restore + link) / npmCi).toFixed(3)}`);
  console.log(`  restore + verify / bare tar     ${(restore / tar).toFixed(3)}`);
  console.log(`  restore + verify + link / tar   ${((restore + link) / tar).toFixed(3)}`);
} finally {
  await Promise.all([server.stop(), registry.stop()]);
  await rm(root, { recursive: true, force: true });
}
