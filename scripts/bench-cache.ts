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
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCacheServer } from '../__tests__/support/cache-server.js';
import { startRegistry } from '../__tests__/support/registry.js';
import { cachePaths } from '../src/cache/paths.js';
import { restoreNodeModules } from '../src/cache/restore.js';
import { saveNodeModules } from '../src/cache/save.js';
import { isInstalledTreeCurrent } from '../src/package-managers/npm/verify-tree.js';
import {
  actionEnvironment,
  extractArchive,
  freshWorkspace,
  median,
  npmTools,
  quietly,
  roundsArgument,
  runRounds,
  seconds,
  timeOnFreshWorkspace,
  timeTheAction,
} from './bench-support.js';

const FIXTURE_DEPENDENCIES = { express: '^4.21.2', webpack: '^5.97.1', eslint: '^9.17.0' };
const LINKS = ['pulumi'];
const KEY = 'bench-setup-pulumi-npm';
const rounds = roundsArgument(process.argv[2]);

const root = await mkdtemp(join(tmpdir(), 'bench-cache-'));
const workspace = join(root, 'workspace');
const tools = npmTools(join(root, 'npm-cache'), join(root, 'global'));
const { npm } = tools;
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
  const saved = await quietly(() => saveNodeModules(paths, KEY));
  if (!saved.saved) throw new Error(`could not warm the cache: ${saved.message?.text}`);
  const archive = server.entries()[0];
  if (!archive) throw new Error('the cache service holds no entry');
  console.log(`Archive: ${(archive.size / 1024 / 1024).toFixed(1)} MiB.`);

  const restoreAndVerify = async () => {
    const restored = await quietly(() => restoreNodeModules(paths, { primaryKey: KEY, restoreKeys: [] }));
    const verdict = await isInstalledTreeCurrent(workspace, LINKS);
    if (!restored.hit || !verdict.current) throw new Error(`the warm cache path would install: ${restored.message?.text} ${verdict.reason ?? ''}`);
  };
  const measure = (work: () => Promise<unknown>, setup?: () => Promise<unknown>) => timeOnFreshWorkspace(workspace, work, setup);
  const actionCall = {
    workspace,
    env: await actionEnvironment(server, tools),
    inputs: {
      'pulumi-access-token': registry.tokens.ci,
      'registry-url': registry.url,
      'install-command': 'npm ci',
      'cache-key-prefix': 'bench-action',
    },
  };
  await freshWorkspace(workspace);
  await timeTheAction(actionCall); // warms the action's own cache entry (a miss that installs and saves)
  const action = async () => {
    await freshWorkspace(workspace);
    const { ms, main } = await timeTheAction(actionCall);
    if (main.outputs['cache-hit'] !== 'true' || !/skipping "npm ci"/.test(main.log)) throw new Error('the action did not take the warm-cache path');
    return ms;
  };
  const times = await runRounds(rounds, {
    action,
    restore: () => measure(restoreAndVerify),
    link: () => measure(() => npm(workspace, 'link', 'pulumi', '--offline'), restoreAndVerify),
    npmCi: () => measure(() => npm(workspace, 'ci', '--prefer-offline')),
    tar: () => measure(() => extractArchive(archive.archivePath, workspace)),
  });

  const [actionMs, restore, link, npmCi, tar] = [times.action, times.restore, times.link, times.npmCi, times.tar].map((values) => median(values));
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
