import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { snapshotTree } from './support/cache-tree.js';
import { docsProgram, failureOf, makeSandbox, runSetup, warningsOf, type Sandbox } from './support/e2e.js';
import { useCacheServer, useRegistry, type CacheFault } from './support/servers.js';
import { node24 } from './support/node24.js';
import type { ActionRun } from './support/runner.js';
import { assertNoSecret } from './support/secret-scan.js';

const [registry, server] = await Promise.all([useRegistry(), useCacheServer()]);

const sandboxes: Sandbox[] = [];
after(async () => {
  await Promise.all(sandboxes.map((sandbox) => sandbox.cleanup()));
});

async function sandboxWith(programs?: Record<string, unknown>, lockfilesFrom?: Sandbox): Promise<Sandbox> {
  const sandbox = await makeSandbox(programs);
  sandboxes.push(sandbox);
  // A fresh checkout of the same commit: the lockfiles the first run wrote are what the repository holds.
  for (const dir of Object.keys(programs ?? { '.': null })) {
    if (lockfilesFrom) fs.copyFileSync(path.join(lockfilesFrom.workspace, dir, 'package-lock.json'), path.join(sandbox.workspace, dir, 'package-lock.json'));
  }
  return sandbox;
}

/** A checkout whose repository commits its lockfiles: made by one uncached run, then node_modules removed. */
async function lockedSandbox(programs?: Record<string, unknown>, inputs: Record<string, string> = {}): Promise<Sandbox> {
  const sandbox = await sandboxWith(programs);
  const run = await runSetup(registry, sandbox, { inputs: { ...inputs, cache: 'false' } });
  assert.equal(run.main.exitCode, 0, run.main.log);
  await run.cleanup();
  for (const dir of Object.keys(programs ?? { '.': null })) fs.rmSync(path.join(sandbox.workspace, dir, 'node_modules'), { recursive: true });
  return sandbox;
}

interface CachedRunOptions {
  protocol?: 'v1' | 'v2';
  inputs?: Record<string, string>;
  env?: Record<string, string | undefined>;
}

async function cachedRun(sandbox: Sandbox, options: CachedRunOptions = {}): Promise<ActionRun> {
  const run = await runSetup(registry, sandbox, {
    inputs: { cache: 'true', ...options.inputs },
    env: { ...server.env(options.protocol ?? 'v2'), ...options.env },
  });
  assert.equal(run.main.exitCode, 0, run.main.log);
  return run;
}

const modulesOf = async (dir: string) => {
  const tree = await snapshotTree(path.join(dir, 'node_modules'));
  delete tree['pulumi'];
  return tree;
};
/** The lines of a log group, which must open and close once. */
function groupText(log: string, name: string): string {
  const start = log.indexOf(`::group::${name}\n`);
  assert.ok(start >= 0 && log.indexOf(`::group::${name}\n`, start + 1) < 0, `one "${name}" group`);
  const end = log.indexOf('::endgroup::', start);
  assert.ok(end > start, `the "${name}" group closes`);
  const text = log.slice(start + `::group::${name}\n`.length, end);
  assert.doesNotMatch(text, /::group::/, `no group opens inside "${name}"`);
  return text;
}

const cacheLines = (run: ActionRun) => [...warningsOf(run.main), ...run.main.commands.filter((c) => c.command === 'notice')].map((c) => c.message);

describe('the node_modules cache, end to end', () => {
  for (const protocol of ['v2', 'v1'] as const) {
    it(`misses and saves, then a fresh workspace hits and skips the install (cache service ${protocol})`, async () => {
      const inputs = { 'cache-key-prefix': `hit-${protocol}` };
      const first = await lockedSandbox();
      const saved = await cachedRun(first, { protocol, inputs });
      const key = saved.main.outputs['cache-primary-key']!;
      assert.match(key, new RegExp(`^hit-${protocol}-setup-pulumi-npm-linux-x64-node\\d+-npm\\d+-[0-9a-f]{64}$`));
      assert.equal(saved.main.outputs['cache-hit'], 'false');
      assert.equal(saved.main.outputs['cache-matched-key'], '');
      const entry = server.entries().find((candidate) => candidate.key === key);
      assert.ok(entry, 'the tree was saved under the primary key');
      await assertNoSecret(registry.tokens.ci, { files: [entry.archivePath] });
      await saved.cleanup();

      const second = await sandboxWith(undefined, first);
      const hit = await cachedRun(second, { protocol, inputs });
      assert.equal(hit.main.outputs['cache-hit'], 'true');
      assert.equal(hit.main.outputs['cache-primary-key'], key);
      assert.equal(hit.main.outputs['cache-matched-key'], key);
      assert.match(hit.main.log, /skipping "npm install"/);
      assert.doesNotMatch(hit.main.log, /\[command\]\S*npm install/);
      assert.match(hit.main.log, /Not saving node_modules: the exact key was restored/);
      assert.doesNotMatch(hit.main.log, /\[command\]\S*npm link/, 'the restored tree is linked without npm re-reading it');
      assert.deepEqual(await modulesOf(second.workspace), await modulesOf(first.workspace), 'restored byte for byte');
      // The link was made again on this runner, into this run's global prefix, and works.
      assert.equal(fs.realpathSync(path.join(second.workspace, 'node_modules/pulumi')), fs.realpathSync(second.pulumiPackage));
      const pulumi = execFileSync(node24(), ['-p', 'JSON.stringify(require("pulumi"))'], { cwd: second.workspace, encoding: 'utf8', timeout: 30_000 });
      assert.equal(JSON.parse(pulumi).linked, true);
      const report = JSON.parse(fs.readFileSync(hit.main.outputs['report']!, 'utf8'));
      assert.equal(report.programs[0].installed, 'skipped (cache hit)');
      // Where the time went: each phase of the hit path, with its start and duration, in the report and the summary.
      const phases = report.phases as { name: string; startSeconds: number; seconds: number }[];
      assert.deepEqual(phases.map((phase) => phase.name).sort(), [
        'Dependency policy',
        'Install the repository root (.)',
        'Link setup',
        'Restore node_modules',
        'Save node_modules',
        'Start-up',
        'Token check',
        'Token routing',
        'npm config',
      ]);
      for (const phase of phases) assert.ok(phase.startSeconds >= 0 && phase.seconds >= 0 && phase.seconds < 60, JSON.stringify(phase));
      const restore = phases.find((phase) => phase.name === 'Restore node_modules')!;
      const install = phases.find((phase) => phase.name === 'Install the repository root (.)')!;
      // Each figure is rounded to the millisecond on its own.
      assert.ok(install.startSeconds + 0.002 >= restore.startSeconds + restore.seconds, 'the install starts after the restore ends');
      const policy = phases.find((phase) => phase.name === 'Dependency policy')!;
      assert.ok(restore.startSeconds < policy.startSeconds + policy.seconds, 'the restore starts while the policy check runs');
      // It runs beside the check, but its log comes in one piece, in its own group, after the check's.
      const restoreGroup = groupText(hit.main.log, 'Restore node_modules');
      assert.match(restoreGroup, new RegExp(`^Restored node_modules from cache key ${key}\\.$`, 'm'));
      assert.doesNotMatch(restoreGroup, /Preset:|Policy:/);
      assert.ok(hit.main.log.indexOf('::group::Dependency policy') < hit.main.log.indexOf('::group::Restore node_modules'));
      assert.match(hit.main.summary, /\| Restore node\\_modules \| \d+\.\d\d s \| \d+\.\d\d s \|/);
      await hit.cleanup();
    });
  }

  it('stops a restore under way when the policy check beside it fails, and prints nothing of it after the failure', async () => {
    const inputs = { 'cache-key-prefix': 'policy-fails' };
    const first = await lockedSandbox();
    await (await cachedRun(first, { inputs })).cleanup();
    const second = await sandboxWith(undefined, first);
    fs.appendFileSync(path.join(second.workspace, 'index.js'), "\nrequire('@pulumi/azure');\n");
    // The download would take 5 s: the check fails long before, and the run does not wait for it.
    server.inject({ kind: 'delay', on: 'download', delayMs: 5_000, times: 1 });
    const run = await runSetup(registry, second, { inputs: { cache: 'true', ...inputs }, env: server.env('v2') });
    try {
      assert.equal(run.main.exitCode, 1, run.main.log);
      assert.match(failureOf(run.main) ?? '', /^1 dependency policy violation: see the annotations/);
      assert.equal(run.main.outputs['cache-hit'], 'false');
      // The failure is the one thing to read: the stopped restore prints nothing, not even its group.
      assert.ok(run.main.log.includes('::group::Dependency policy'));
      assert.doesNotMatch(run.main.log, /Restore node_modules|restore of node_modules was stopped/);
      assert.equal(fs.existsSync(path.join(second.workspace, 'node_modules')), false, 'no half-restored tree');
      assert.deepEqual(warningsOf(run.main), []);
    } finally {
      server.clearFaults();
      await run.cleanup();
    }
  });

  it('restores by prefix when the lockfile changed, installs, and saves the new tree', async () => {
    const inputs = { 'cache-key-prefix': 'changed-lockfile' };
    const first = await lockedSandbox({ '.': { ...docsProgram, dependencies: { '@pulumi/aws': '^0.10.0' } } });
    const oldKey = (await cachedRun(first, { inputs })).main.outputs['cache-primary-key']!;
    // The next commit adds a dependency, with its lockfile.
    const changed = await lockedSandbox({ '.': { ...docsProgram, dependencies: { '@pulumi/aws': '^0.10.0', 'fixture-utils': '^1.0.0' } } });
    const run = await cachedRun(changed, { inputs });
    assert.equal(run.main.outputs['cache-hit'], 'false');
    assert.equal(run.main.outputs['cache-matched-key'], oldKey);
    assert.notEqual(run.main.outputs['cache-primary-key'], oldKey);
    assert.match(run.main.log, /\[command\]\S*npm install/);
    assert.ok(fs.existsSync(path.join(changed.workspace, 'node_modules/fixture-utils/package.json')));
    assert.ok(
      server.entries().some((entry) => entry.key === run.main.outputs['cache-primary-key']),
      'the new tree was saved',
    );
  });

  it('holds every program of a repository in one entry', async () => {
    const programs = { 'infra/app': docsProgram, 'infra/db': { ...docsProgram, name: 'db', dependencies: { '@pulumi/aws': '^0.10.0' } } };
    const inputs = { 'working-directory': 'infra/app\ninfra/db', 'cache-key-prefix': 'two-programs' };
    const first = await lockedSandbox(programs, inputs);
    const before = server.entries().length;
    await cachedRun(first, { inputs });
    assert.equal(server.entries().length, before + 1);
    const second = await sandboxWith(programs, first);
    const hit = await cachedRun(second, { inputs });
    assert.equal(hit.main.outputs['cache-hit'], 'true');
    for (const dir of Object.keys(programs)) {
      assert.deepEqual(await modulesOf(path.join(second.workspace, dir)), await modulesOf(path.join(first.workspace, dir)), dir);
      assert.ok(fs.lstatSync(path.join(second.workspace, dir, 'node_modules/pulumi')).isSymbolicLink(), dir);
    }
  });

  it('does not save with cache: restore, nor on pull_request_target', async () => {
    // A pull_request_target run from a branch of the repository itself: trusted, so it installs, but never saves.
    const eventFile = path.join((await sandboxWith()).root, 'event.json');
    fs.writeFileSync(eventFile, JSON.stringify({ repository: { full_name: 'octo/program' }, pull_request: { head: { repo: { full_name: 'octo/program' } } } }));
    for (const [options, reason] of [
      [{ inputs: { cache: 'restore', 'cache-key-prefix': 'restore-only' } }, /cache is "restore"/],
      [
        { inputs: { 'cache-key-prefix': 'pr-target' }, env: { GITHUB_EVENT_NAME: 'pull_request_target', GITHUB_EVENT_PATH: eventFile } },
        /pull_request_target runs never save/,
      ],
    ] as const) {
      const run = await cachedRun(await sandboxWith(), options);
      assert.match(run.main.log, reason);
      assert.equal(
        server.entries().some((entry) => entry.key === run.main.outputs['cache-primary-key']),
        false,
      );
    }
  });

  describe('faults never fail the job: one line, and the install goes on', () => {
    const faults: Array<[string, CachedRunOptions, CacheFault[], RegExp]> = [
      [
        'the cache service is not configured',
        { env: { ACTIONS_CACHE_URL: '', ACTIONS_RESULTS_URL: '', ACTIONS_CACHE_SERVICE_V2: '' } },
        [],
        /cache service is not available/,
      ],
      [
        'the service answers 500 on lookup (v1)',
        { protocol: 'v1' },
        [{ kind: 'status', on: 'lookup', status: 500, times: 10 }],
        /Restoring the node_modules cache failed/,
      ],
      ['a truncated download', {}, [{ kind: 'truncate', on: 'download', times: 10 }], /Restoring the node_modules cache failed/],
      [
        'a download slower than SEGMENT_DOWNLOAD_TIMEOUT_MINS',
        { env: { SEGMENT_DOWNLOAD_TIMEOUT_MINS: '0.02' } },
        [{ kind: 'delay', on: 'download', delayMs: 5_000, times: 1 }],
        /took longer than SEGMENT_DOWNLOAD_TIMEOUT_MINS/,
      ],
      ['another job is creating this cache', {}, [{ kind: 'already-exists', on: 'reserve', times: 1 }], /Another job is already saving cache key/],
      ['cache write denied', {}, [{ kind: 'write-denied', on: 'reserve', times: 1 }], /may not write to the cache/],
    ];
    for (const [what, options, injected, message] of faults) {
      it(what, async () => {
        const first = await sandboxWith();
        // Downloads need an entry to fetch: save one under this test's own prefix first.
        const prefix = what.replace(/\W+/g, '-');
        const needsEntry = injected.some((fault) => fault.on === 'download');
        if (needsEntry) await (await cachedRun(first, { inputs: { 'cache-key-prefix': prefix } })).cleanup();
        const sandbox = await sandboxWith(undefined, needsEntry ? first : undefined);
        for (const fault of injected) server.inject(fault);
        try {
          const run = await cachedRun(sandbox, { ...options, inputs: { 'cache-key-prefix': prefix } });
          const lines = cacheLines(run);
          assert.equal(lines.length, 1, lines.join('\n'));
          assert.match(lines[0]!, message);
          assert.ok(fs.lstatSync(path.join(sandbox.workspace, 'node_modules/pulumi')).isSymbolicLink());
          assert.ok(fs.existsSync(path.join(sandbox.workspace, 'node_modules/@pulumi/aws/package.json')));
          await run.cleanup();
        } finally {
          server.clearFaults();
        }
      });
    }
  });
});
