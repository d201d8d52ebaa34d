/** The cache module (restore, save) with the real `@actions/cache` client against the test service, both protocols. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import { cachePaths } from '../src/cache/paths.js';
import { cacheServiceUnavailable } from '../src/cache/plan.js';
import { restoreNodeModules } from '../src/cache/restore.js';
import { saveNodeModules } from '../src/cache/save.js';
import { FAKE_TOKEN, FIXTURE_LINKS, addIncompressibleFile, makeCacheWorkspace } from './support/cache-fixture.js';
import { setTestEnv } from './support/cache-process.js';
import { captureOutput } from './support/output.js';
import { snapshotTree } from './support/cache-tree.js';
import type { TreeEntry } from './support/cache-tree.js';
import { useCacheServer, type CacheFault, type CacheServer } from './support/servers.js';

const run = promisify(execFile);
const PROGRAMS = ['.', 'infra'];

/** Both programs' node_modules as the archive should carry them: everything but the links. */
async function cachedTrees(workspace: string): Promise<Record<string, TreeEntry>> {
  const trees: Record<string, TreeEntry> = {};
  for (const program of PROGRAMS) {
    for (const [path, entry] of Object.entries(await snapshotTree(join(workspace, program, 'node_modules')))) {
      if (!FIXTURE_LINKS.includes(path)) trees[`${program}/node_modules/${path}`] = entry;
    }
  }
  return trees;
}

async function removeNodeModules(workspace: string): Promise<void> {
  for (const program of PROGRAMS) await rm(join(workspace, program, 'node_modules'), { recursive: true, force: true });
}

for (const protocol of ['v1', 'v2'] as const) {
  describe(`node_modules cache over cache service ${protocol}`, async () => {
    const server = await useCacheServer();

    /** A workspace with two programs, the env of a runner using `service`, and the module's paths for it. */
    const setUp = async (t: TestContext, service: CacheServer = server) => {
      const fixture = await makeCacheWorkspace(t, PROGRAMS);
      setTestEnv(t, {
        ...service.env(protocol),
        GITHUB_WORKSPACE: fixture.workspace,
        RUNNER_TEMP: fixture.runnerTemp,
        SEGMENT_DOWNLOAD_TIMEOUT_MINS: undefined,
      });
      t.after(() => server.clearFaults());
      const paths = await cachePaths(fixture.workspace, PROGRAMS, FIXTURE_LINKS);
      return { ...fixture, paths, printed: captureOutput(t) };
    };
    const keyFor = (t: TestContext) => `${protocol}-${t.name.replace(/[^a-z]+/gi, '-').slice(0, 60)}`;

    test('misses, saves, then hits the exact key and restores both trees byte for byte, without the links', async (t) => {
      const { workspace, paths } = await setUp(t);
      const key = keyFor(t);
      const keys = { primaryKey: key, restoreKeys: [`${protocol}-never-saved-`] };
      assert.deepEqual(await restoreNodeModules(paths, keys), { hit: false, message: { level: 'info', text: `No node_modules cache for key ${key}.` } });
      const saved = await cachedTrees(workspace);
      assert.deepEqual(await saveNodeModules(paths, key), { saved: true, message: { level: 'info', text: `Saved node_modules to cache key ${key}.` } });

      await removeNodeModules(workspace);
      const restored = await restoreNodeModules(paths, keys);
      assert.deepEqual(restored, { hit: true, matchedKey: key, message: { level: 'info', text: `Restored node_modules from cache key ${key}.` } });
      assert.deepEqual(await cachedTrees(workspace), saved);
      for (const link of FIXTURE_LINKS) assert.equal(existsSync(join(workspace, 'node_modules', link)), false);
    });

    test('the archive holds only node_modules entries: no links, no .npmrc, no token', async (t) => {
      const { paths } = await setUp(t);
      const key = keyFor(t);
      assert.equal((await saveNodeModules(paths, key)).saved, true);
      const archive = server.entries().find((entry) => entry.key === key)?.archivePath ?? assert.fail('no entry saved');
      const { stdout: listing } = await run('tar', ['-tf', archive, '--use-compress-program', 'unzstd']);
      const names = listing
        .trim()
        .split('\n')
        .map((name) => name.replace(/\/$/, ''));
      assert.ok(names.includes('infra/node_modules/dep/bin/cli.js') && names.includes('node_modules/@pulumi/aws'));
      assert.deepEqual(
        names.filter((name) => !/^(infra\/)?node_modules\//.test(name)),
        [],
      );
      for (const link of FIXTURE_LINKS)
        assert.deepEqual(
          names.filter((name) => name.endsWith(`node_modules/${link}`)),
          [],
        );
      const { stdout: content } = await run('zstd', ['-dc', archive], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
      assert.equal(content.includes(FAKE_TOKEN), false);
    });

    test('restores by the restore key when the primary key has no entry, and says the install still runs', async (t) => {
      const { workspace, paths } = await setUp(t);
      const older = `${keyFor(t)}-older`;
      await saveNodeModules(paths, older);
      await removeNodeModules(workspace);
      const restored = await restoreNodeModules(paths, { primaryKey: `${keyFor(t)}-newer`, restoreKeys: [`${keyFor(t)}-`] });
      assert.equal(restored.hit, false);
      assert.equal(restored.matchedKey, older);
      assert.match(restored.message?.text ?? '', /older cache key .*the install brings it up to date/);
      assert.ok(existsSync(join(workspace, 'infra/node_modules/dep/index.js')));
    });

    /** Restore faults: each is a miss with one warning, leaves no partial tree, and lets no SDK annotation out. */
    const restoreFaults: [string, CacheFault, RegExp, Record<string, string>?][] = [
      [
        'a 5xx from the service',
        { kind: 'status', on: protocol === 'v1' ? 'lookup' : 'download', status: 500 },
        /^Restoring the node_modules cache failed \(.*500.*\); installing without it\.$/,
      ],
      [
        'a download slower than SEGMENT_DOWNLOAD_TIMEOUT_MINS',
        { kind: 'delay', on: 'download', delayMs: 20_000 },
        /^Restoring the node_modules cache took longer than SEGMENT_DOWNLOAD_TIMEOUT_MINS \(0\.02 min\); installing without it\.$/,
        { SEGMENT_DOWNLOAD_TIMEOUT_MINS: '0.02' },
      ],
      ['a corrupt archive', { kind: 'corrupt', on: 'download' }, /^Restoring the node_modules cache failed \(.*tar.*\); installing without it\.$/],
      ['a truncated archive', { kind: 'truncate', on: 'download' }, /^Restoring the node_modules cache failed \(.*tar.*\); installing without it\.$/],
      ['a connection reset mid-download', { kind: 'reset', on: 'download' }, /^Restoring the node_modules cache failed \(.+\); installing without it\.$/],
    ];
    for (const [name, fault, text, env] of restoreFaults) {
      test(`restore: ${name} is a miss with one warning`, async (t) => {
        const { workspace, paths, printed } = await setUp(t);
        // Big enough for several compressed blocks, so a damaged archive still extracts its first entries.
        await addIncompressibleFile(join(workspace, 'infra'), 2 * 1024 * 1024);
        const key = keyFor(t);
        await saveNodeModules(paths, key);
        await removeNodeModules(workspace);
        if (env) setTestEnv(t, env);
        server.inject(fault);
        const restored = await restoreNodeModules(paths, { primaryKey: key, restoreKeys: [] });
        assert.equal(restored.hit, false);
        assert.equal(restored.matchedKey, undefined);
        assert.equal(restored.message?.level, 'warning');
        assert.match(restored.message?.text ?? '', text);
        assert.equal(existsSync(join(workspace, 'node_modules')) || existsSync(join(workspace, 'infra/node_modules')), false);
        assert.doesNotMatch(printed.stdout(), /^::(warning|error)/m);
      });
    }

    test('restore: a download stopped by the run (it failed meanwhile) is a miss that says so, and leaves no tree', async (t) => {
      const { workspace, paths, printed } = await setUp(t);
      const key = keyFor(t);
      await saveNodeModules(paths, key);
      await removeNodeModules(workspace);
      // Without the stop, the download would finish after this delay and restore the tree.
      server.inject({ kind: 'delay', on: 'download', delayMs: 3_000 });
      const stop = new AbortController();
      setTimeout(() => stop.abort(), 300);
      const restored = await restoreNodeModules(paths, { primaryKey: key, restoreKeys: [] }, stop.signal);
      assert.deepEqual(restored, { hit: false, message: { level: 'info', text: 'The restore of node_modules was stopped: the run had failed.' } });
      assert.equal(existsSync(join(workspace, 'node_modules')) || existsSync(join(workspace, 'infra/node_modules')), false);
      assert.doesNotMatch(printed.stdout(), /^::(warning|error)/m);
    });

    /** Save faults: each is one notice or warning, nothing saved, no SDK annotation out. */
    const saveFaults: [string, CacheFault, 'notice' | 'warning', RegExp][] = [
      [
        'another job creating the same entry',
        { kind: 'already-exists', on: 'reserve' },
        'notice',
        /^Another job is already saving cache key .*; this job did not save node_modules\.$/,
      ],
      [
        'a write denied by policy',
        { kind: 'write-denied', on: 'reserve' },
        'notice',
        /^This run may not write to the cache \(its cache token is read-only\); node_modules was not saved\.$/,
      ],
      // v1 retries no 500 on commit; v2's blob client retries 500 and 503 for ~16 s, so a 502 keeps the test short.
      [
        'a 5xx from the service',
        { kind: 'status', on: protocol === 'v1' ? 'commit' : 'upload', status: protocol === 'v1' ? 500 : 502 },
        'warning',
        /^Saving the node_modules cache failed \(.*50[02].*\); the job goes on\.$/,
      ],
    ];
    for (const [name, fault, level, text] of saveFaults) {
      test(`save: ${name} is one ${level}`, async (t) => {
        const { paths, printed } = await setUp(t);
        server.inject(fault);
        const saved = await saveNodeModules(paths, keyFor(t));
        assert.deepEqual({ saved: saved.saved, level: saved.message?.level }, { saved: false, level });
        assert.match(saved.message?.text ?? '', text);
        assert.equal(
          server.entries().some((entry) => entry.key === keyFor(t)),
          false,
        );
        assert.doesNotMatch(printed.stdout(), /^::(warning|error)/m);
      });
    }

    test('saving a key that is already saved is the same notice as another job creating it', async (t) => {
      const { paths } = await setUp(t);
      assert.equal((await saveNodeModules(paths, keyFor(t))).saved, true);
      const again = await saveNodeModules(paths, keyFor(t));
      assert.deepEqual({ saved: again.saved, level: again.message?.level }, { saved: false, level: 'notice' });
    });

    test('a service that is not configured is said once, before any cache work', (t) => {
      setTestEnv(t, server.env(protocol));
      assert.equal(cacheServiceUnavailable(), undefined);
      setTestEnv(t, { ACTIONS_CACHE_URL: '', ACTIONS_RESULTS_URL: '' });
      assert.match(cacheServiceUnavailable() ?? '', /^The Actions cache service is not available on this runner/);
    });

    test('an unreachable service is one warning for restore and for save', async (t) => {
      const gone = await useCacheServer();
      await gone.stop();
      const { paths, printed } = await setUp(t, gone);
      const restored = await restoreNodeModules(paths, { primaryKey: keyFor(t), restoreKeys: [] });
      const saved = await saveNodeModules(paths, keyFor(t));
      assert.deepEqual([restored.hit, restored.message?.level, saved.saved, saved.message?.level], [false, 'warning', false, 'warning']);
      assert.match(`${restored.message?.text} ${saved.message?.text}`, /ECONNREFUSED.*ECONNREFUSED/);
      assert.doesNotMatch(printed.stdout(), /^::(warning|error)/m);
    });
  });
}
