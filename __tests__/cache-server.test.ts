/** The test cache service, driven by the real `@actions/cache` client over both protocols. */
import * as cache from '@actions/cache';
import assert from 'node:assert/strict';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { setTestEnv } from './support/cache-process.js';
import { addIncompressibleFile, makeCacheWorkspace } from './support/cache-fixture.js';
import { captureOutput } from './support/output.js';
import { snapshotTree } from './support/cache-tree.js';
import { useCacheServer } from './support/servers.js';

const PATHS = ['node_modules/*'];

for (const protocol of ['v1', 'v2'] as const) {
  describe(`cache service ${protocol}`, async () => {
    const server = await useCacheServer();

    const workspaceFor = async (t: TestContext, extraEnv: Record<string, string | undefined> = {}) => {
      captureOutput(t);
      const fixture = await makeCacheWorkspace(t);
      setTestEnv(t, { ...server.env(protocol), GITHUB_WORKSPACE: fixture.workspace, RUNNER_TEMP: fixture.runnerTemp, ...extraEnv });
      const cwd = process.cwd();
      process.chdir(fixture.workspace);
      t.after(() => process.chdir(cwd));
      return fixture;
    };

    test('saves an entry and restores it by its exact key, tree intact', async (t) => {
      const { workspace } = await workspaceFor(t);
      const saved = await snapshotTree(join(workspace, 'node_modules'));
      assert.ok((await cache.saveCache([...PATHS], `${protocol}-exact`)) > 0);
      await rm(join(workspace, 'node_modules'), { recursive: true });

      assert.equal(await cache.restoreCache([...PATHS], `${protocol}-exact`), `${protocol}-exact`);
      assert.deepEqual(await snapshotTree(join(workspace, 'node_modules')), saved);
      const entry = server.entries().find((candidate) => candidate.key === `${protocol}-exact`);
      assert.ok(entry && entry.size > 0);
    });

    test('speaks the protocol: the calls, their order and their statuses', async (t) => {
      await workspaceFor(t);
      const from = server.requests.length;
      await cache.saveCache([...PATHS], `${protocol}-calls`);
      await cache.restoreCache([...PATHS], `${protocol}-calls`);
      const calls = server.requests.slice(from).map(({ method, path, status }) => `${method} ${path.split('?')[0]} ${status}`);
      const twirp = '/twirp/github.actions.results.api.v1.CacheService';
      const expected =
        protocol === 'v1'
          ? [
              'POST /_apis/artifactcache/caches 201',
              'PATCH /_apis/artifactcache/caches/ID 204',
              'POST /_apis/artifactcache/caches/ID 204',
              'GET /_apis/artifactcache/cache 200',
              'GET /testaccount/caches/entry-ID 200',
            ]
          : [
              `POST ${twirp}/CreateCacheEntry 200`,
              'PUT /testaccount/caches/entry-ID 201',
              `POST ${twirp}/FinalizeCacheEntryUpload 200`,
              `POST ${twirp}/GetCacheEntryDownloadURL 200`,
              'GET /testaccount/caches/entry-ID 200',
            ];
      assert.deepEqual(
        calls.map((call) => call.replace(/\d+(?= \d{3}$)/, 'ID').replace(/entry-\d+/, 'entry-ID')),
        expected,
      );
    });

    test('matches an exact key first, then restore keys as prefixes, newest first', async (t) => {
      const { workspace } = await workspaceFor(t);
      await cache.saveCache([...PATHS], `${protocol}-prefix-a`);
      await writeFile(join(workspace, 'node_modules/dep/index.js'), 'module.exports = 43;\n');
      await cache.saveCache([...PATHS], `${protocol}-prefix-b`);

      assert.equal(await cache.restoreCache([...PATHS], `${protocol}-prefix-a`, [`${protocol}-prefix-`]), `${protocol}-prefix-a`);
      assert.equal(await cache.restoreCache([...PATHS], `${protocol}-other`, [`${protocol}-prefix-`]), `${protocol}-prefix-b`);
    });

    test('misses an unknown key, and a known key saved with other paths (another version)', async (t) => {
      await workspaceFor(t);
      await cache.saveCache([...PATHS], `${protocol}-versioned`);
      assert.equal(await cache.restoreCache([...PATHS], `${protocol}-unknown`, [`${protocol}-unknown-`]), undefined);
      assert.equal(await cache.restoreCache(['node_modules/*', '!node_modules/pulumi'], `${protocol}-versioned`), undefined);
    });

    test('puts the compression method in the version: a gzip client misses a zstd entry', async (t) => {
      const { root } = await workspaceFor(t);
      await cache.saveCache([...PATHS], `${protocol}-compression`);
      // A PATH with tar and gzip but no zstd makes the SDK fall back to gzip.
      const bin = join(root, 'bin-without-zstd');
      await mkdir(bin);
      for (const tool of ['tar', 'gzip']) await symlink(`/usr/bin/${tool}`, join(bin, tool));
      setTestEnv(t, { PATH: bin });
      assert.equal(await cache.restoreCache([...PATHS], `${protocol}-compression`), undefined);
      assert.ok((await cache.saveCache([...PATHS], `${protocol}-compression`)) > 0);
      assert.equal(await cache.restoreCache([...PATHS], `${protocol}-compression`), `${protocol}-compression`);
      const versions = server
        .entries()
        .filter((entry) => entry.key === `${protocol}-compression`)
        .map((entry) => entry.version);
      assert.equal(new Set(versions).size, 2);
    });

    test('refuses a second reservation of a taken key and version', async (t) => {
      await workspaceFor(t);
      await cache.saveCache([...PATHS], `${protocol}-taken`);
      const from = server.requests.length;
      assert.equal(await cache.saveCache([...PATHS], `${protocol}-taken`), -1);
      const reservation = server.requests.slice(from)[0];
      assert.equal(reservation?.status, protocol === 'v1' ? 409 : 200);
      assert.equal(server.entries().filter((entry) => entry.key === `${protocol}-taken`).length, 1);
    });

    test('rejects a client without the runtime token', async (t) => {
      await workspaceFor(t);
      await cache.saveCache([...PATHS], `${protocol}-auth`);
      setTestEnv(t, { ACTIONS_RUNTIME_TOKEN: 'wrong' });
      const from = server.requests.length;
      assert.equal(await cache.restoreCache([...PATHS], `${protocol}-auth`), undefined);
      assert.equal(server.requests[from]?.status, 401);
    });

    test('injects a fault for a number of requests, then answers normally', async (t) => {
      await workspaceFor(t);
      await cache.saveCache([...PATHS], `${protocol}-fault`);
      server.inject({ kind: 'status', on: 'download', status: 404, times: 1 });
      t.after(() => server.clearFaults());
      assert.equal(await cache.restoreCache([...PATHS], `${protocol}-fault`), undefined);
      assert.equal(await cache.restoreCache([...PATHS], `${protocol}-fault`), `${protocol}-fault`);
      assert.throws(() => server.inject({ kind: 'truncate', on: 'lookup' }), /applies to 'download'/);
    });

    test('carries an archive above 128 MiB (v1: PATCH chunks; v2: Put Block + Put Block List)', async (t) => {
      const { workspace } = await workspaceFor(t);
      await addIncompressibleFile(workspace, 130 * 1024 * 1024);
      const saved = await snapshotTree(join(workspace, 'node_modules'));
      const from = server.requests.length;
      assert.ok((await cache.saveCache([...PATHS], `${protocol}-large`)) > 0);
      const uploads = server.requests.slice(from).filter((request) => request.method === (protocol === 'v1' ? 'PATCH' : 'PUT'));
      if (protocol === 'v1') assert.equal(uploads.length, 5);
      else {
        assert.ok(uploads.filter((request) => request.path.includes('comp=block&')).length >= 2);
        assert.equal(uploads.filter((request) => request.path.includes('comp=blocklist')).length, 1);
      }
      await rm(join(workspace, 'node_modules'), { recursive: true });
      assert.equal(await cache.restoreCache([...PATHS], `${protocol}-large`), `${protocol}-large`);
      assert.deepEqual(await snapshotTree(join(workspace, 'node_modules')), saved);
    });
  });
}
