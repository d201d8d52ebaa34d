import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { makeSandbox, runSetup, type Sandbox } from './support/e2e.js';
import { scopedNpmrc } from './support/fixtures.js';
import { pathWithManager } from './support/managers.js';
import { node24 } from './support/node24.js';
import { machinePath, runProcess } from './support/process.js';
import type { ActionRun } from './support/runner.js';
import { useCacheServer, useRegistry } from './support/servers.js';

// Workspaces with the bundled action as the runner runs it: the programs are members of one workspace, installed once
// at its root, and the cache entry holds every member's node_modules, so an exact hit on a fresh checkout has them all.
const [registry, server] = await Promise.all([useRegistry(), useCacheServer()]);
const sandboxes: Sandbox[] = [];
const setupHome = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-workspaces-home-'));
after(async () => {
  await Promise.all(sandboxes.map((sandbox) => sandbox.cleanup()));
  fs.rmSync(setupHome, { recursive: true, force: true });
});

/** Two members that cannot share one @pulumi/aws: ^0.9.0 and ^0.10.0 (caret ranges of 0.x do not overlap). */
const member = (name: string, aws: string, peer: string) => ({
  name,
  version: '1.0.0',
  main: 'index.js',
  dependencies: { '@pulumi/aws': aws },
  peerDependencies: { pulumi: peer },
});
const MEMBERS = { a: '^0.9.0', b: '^0.10.0' } as const;
const WORKING_DIRECTORIES = 'packages/a\npackages/b';

async function checkout(files: Record<string, unknown>, extra: Record<string, string> = {}): Promise<Sandbox> {
  const sandbox = await makeSandbox(files);
  sandboxes.push(sandbox);
  for (const [file, text] of Object.entries(extra)) fs.writeFileSync(path.join(sandbox.workspace, file), text);
  return sandbox;
}

const copyFrom = (from: Sandbox, to: Sandbox, file: string) => fs.copyFileSync(path.join(from.workspace, file), path.join(to.workspace, file));

/** Which @pulumi/aws each member's program loads, from its own folder, as Node.js resolves it. */
function loadedVersions(sandbox: Sandbox): Record<string, string | undefined> {
  const loaded: Record<string, string | undefined> = {};
  for (const name of Object.keys(MEMBERS)) {
    const script = 'const p = require("./index.js"); JSON.stringify({ aws: p["@pulumi/aws"].version, pulumi: p.pulumi.linked })';
    const out = execFileSync(node24(), ['-p', script], { cwd: path.join(sandbox.workspace, 'packages', name), encoding: 'utf8', timeout: 30_000 });
    const parsed = JSON.parse(out) as { aws?: string; pulumi?: boolean };
    assert.equal(parsed.pulumi, true, `${name} loads the linked pulumi`);
    loaded[name] = parsed.aws;
  }
  return loaded;
}

/** The member whose own node_modules holds the @pulumi/aws npm could not hoist, and its version. */
function nestedAws(sandbox: Sandbox): [string, string][] {
  return Object.keys(MEMBERS).flatMap((name): [string, string][] => {
    const file = path.join(sandbox.workspace, 'packages', name, 'node_modules/@pulumi/aws/package.json');
    if (!fs.existsSync(file) || fs.lstatSync(path.dirname(file)).isSymbolicLink()) return [];
    return [[name, (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version]];
  });
}

function assertInstalledOnce(run: ActionRun, install: RegExp): void {
  assert.equal(run.main.log.match(new RegExp(install.source, 'gm'))?.length, 1, `one install:\n${run.main.log}`);
  assert.match(run.main.log, /One install at the repository root \(\.\) serves packages\/a, packages\/b\./);
  const report = JSON.parse(fs.readFileSync(run.main.outputs['report']!, 'utf8')) as { programs: { dir: string; installed?: string }[] };
  assert.deepEqual(
    report.programs.map((program) => [program.dir, program.installed]),
    [
      ['packages/a', run.main.outputs['cache-hit'] === 'true' ? 'skipped (cache hit)' : 'ran'],
      ['packages/b', run.main.outputs['cache-hit'] === 'true' ? 'skipped (cache hit)' : 'ran'],
    ],
  );
}

describe('workspaces, end to end', () => {
  it('npm: installs the members once at the root; an exact hit on a fresh checkout restores the nested dependency', async () => {
    const files = {
      '.': { name: 'mono', version: '1.0.0', private: true, workspaces: ['packages/*'] },
      'packages/a': member('a', MEMBERS.a, 'latest'),
      'packages/b': member('b', MEMBERS.b, 'latest'),
    };
    const inputs = { 'working-directory': WORKING_DIRECTORIES, 'cache-key-prefix': 'npm-workspace', policy: 'warn' };
    // The repository commits the package-lock.json an uncached run wrote.
    const first = await checkout(files);
    const locking = await runSetup(registry, first, { inputs: { ...inputs, cache: 'false' } });
    assert.equal(locking.main.exitCode, 0, locking.main.log);
    await locking.cleanup();
    for (const dir of ['.', 'packages/a', 'packages/b']) fs.rmSync(path.join(first.workspace, dir, 'node_modules'), { recursive: true, force: true });

    const cold = await runSetup(registry, first, { inputs: { ...inputs, cache: 'true' }, env: server.env('v2') });
    try {
      assert.equal(cold.main.exitCode, 0, cold.main.log);
      assertInstalledOnce(cold, /^\[command\]\S*\bnpm install$/);
      assert.equal(cold.main.outputs['cache-hit'], 'false');
      assert.ok(
        server.entries().some((entry) => entry.key === cold.main.outputs['cache-primary-key']),
        'saved',
      );
    } finally {
      await cold.cleanup();
    }
    const nested = nestedAws(first);
    assert.equal(nested.length, 1, 'npm nested one @pulumi/aws in a member');
    assert.deepEqual(loadedVersions(first), { a: '0.9.0', b: '0.10.1' });

    const second = await checkout(files);
    copyFrom(first, second, 'package-lock.json');
    const warm = await runSetup(registry, second, { inputs: { ...inputs, cache: 'true' }, env: server.env('v2') });
    try {
      assert.equal(warm.main.exitCode, 0, warm.main.log);
      assert.equal(warm.main.outputs['cache-hit'], 'true');
      assert.equal(warm.main.outputs['cache-primary-key'], cold.main.outputs['cache-primary-key']);
      assert.doesNotMatch(warm.main.log, /\[command\]\S*npm install/, 'the exact hit runs no install');
      assert.match(warm.main.log, /skipping "npm install"/);
      assertInstalledOnce(warm, /^The restored node_modules is the tree npm last installed/);
      assert.deepEqual(nestedAws(second), nested, 'the nested dependency was restored into its member');
      assert.deepEqual(loadedVersions(second), { a: '0.9.0', b: '0.10.1' });
    } finally {
      await warm.cleanup();
    }
  });

  it("pnpm: installs the members once at the root; an exact hit on a fresh checkout restores every member's links", async () => {
    const PATH = pathWithManager('pnpm', machinePath());
    // pnpm takes a semver range for a peer, not "latest".
    const files = {
      '.': { name: 'mono', version: '1.0.0', private: true },
      'packages/a': member('a', MEMBERS.a, '*'),
      'packages/b': member('b', MEMBERS.b, '*'),
    };
    const workspaceFile = { 'pnpm-workspace.yaml': 'packages:\n  - "packages/*"\n' };
    const first = await checkout(files, workspaceFile);
    fs.writeFileSync(path.join(setupHome, '.npmrc'), `registry=${registry.url}\n${scopedNpmrc('@pulumi', registry.url, registry.tokens.ci)}`);
    const env = { PATH, HOME: setupHome, XDG_DATA_HOME: path.join(setupHome, 'data'), XDG_CACHE_HOME: path.join(setupHome, 'cache'), CI: 'true' };
    const args = ['install', '--lockfile-only', '--no-frozen-lockfile', '--config.auto-install-peers=false'];
    const locked = await runProcess('pnpm', args, { cwd: first.workspace, env, timeoutMs: 120_000 });
    assert.equal(locked.exitCode, 0, locked.stdout + locked.stderr);

    const inputs = { 'working-directory': WORKING_DIRECTORIES, 'cache-key-prefix': 'pnpm-workspace', cache: 'true', policy: 'warn' };
    const cold = await runSetup(registry, first, { inputs, env: { PATH, ...server.env('v2') } });
    try {
      assert.equal(cold.main.exitCode, 0, cold.main.log);
      assertInstalledOnce(cold, /^\[command\]\S*\bpnpm install --frozen-lockfile/);
      assert.ok(
        fs.lstatSync(path.join(first.workspace, 'packages/a/node_modules/@pulumi/aws')).isSymbolicLink(),
        "pnpm links a member's dependencies in its folder",
      );
    } finally {
      await cold.cleanup();
    }
    assert.deepEqual(loadedVersions(first), { a: '0.9.0', b: '0.10.1' });

    const second = await checkout(files, workspaceFile);
    copyFrom(first, second, 'pnpm-lock.yaml');
    const warm = await runSetup(registry, second, { inputs, env: { PATH, ...server.env('v2') } });
    try {
      assert.equal(warm.main.exitCode, 0, warm.main.log);
      assert.equal(warm.main.outputs['cache-hit'], 'true');
      assert.doesNotMatch(warm.main.log, /\[command\]\S*pnpm install/, 'the exact hit runs no install');
      assertInstalledOnce(warm, /^The restored node_modules is the tree pnpm last installed/);
      // Each member's own links came back, and resolve into the root's store without pnpm's content store.
      assert.deepEqual(loadedVersions(second), { a: '0.9.0', b: '0.10.1' });
    } finally {
      await warm.cleanup();
    }
  });
});
