import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { docsProgram, makeSandbox, runSetup, type Sandbox } from './support/e2e.js';
import { scopedNpmrc } from './support/fixtures.js';
import { pathWithManager } from './support/managers.js';
import { node24 } from './support/node24.js';
import { machinePath, runProcess } from './support/process.js';
import { useCacheServer, useRegistry } from './support/servers.js';

// The bundled action with pnpm 10 on the PATH, as a runner after pnpm/action-setup, for a program whose repository
// commits a pnpm-lock.yaml that pnpm itself wrote.
const [registry, server] = await Promise.all([useRegistry(), useCacheServer()]);
const sandboxes: Sandbox[] = [];
const setupHome = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-pnpm-home-'));
after(async () => {
  await Promise.all(sandboxes.map((sandbox) => sandbox.cleanup()));
  fs.rmSync(setupHome, { recursive: true, force: true });
});
const PATH = pathWithManager('pnpm', machinePath());

/**
 * A checkout with the docs' program and the pnpm-lock.yaml a developer's pnpm wrote (the `pulumi` peer linked, not
 * installed). pnpm reads the token from a HOME outside the sandbox: only the action's runs are scanned for it.
 */
async function pnpmCheckout(lockfileFrom?: Sandbox): Promise<Sandbox> {
  // pnpm takes a semver range for a peer, not the docs' "latest"; pnpm 10 runs the install scripts it is told to.
  const program = {
    ...docsProgram,
    dependencies: { ...docsProgram.dependencies, 'fixture-native': '1.0.0' },
    peerDependencies: { pulumi: '*' },
    pnpm: { onlyBuiltDependencies: ['fixture-native'] },
  };
  const sandbox = await makeSandbox({ '.': program });
  sandboxes.push(sandbox);
  const lockfile = path.join(sandbox.workspace, 'pnpm-lock.yaml');
  if (lockfileFrom) {
    fs.copyFileSync(path.join(lockfileFrom.workspace, 'pnpm-lock.yaml'), lockfile);
    return sandbox;
  }
  fs.writeFileSync(path.join(setupHome, '.npmrc'), `registry=${registry.url}\n${scopedNpmrc('@pulumi', registry.url, registry.tokens.ci)}`);
  const env = { PATH, HOME: setupHome, XDG_DATA_HOME: path.join(setupHome, 'data'), XDG_CACHE_HOME: path.join(setupHome, 'cache'), CI: 'true' };
  const args = ['install', '--lockfile-only', '--no-frozen-lockfile', '--config.auto-install-peers=false'];
  const result = await runProcess('pnpm', args, { cwd: sandbox.workspace, env, timeoutMs: 120_000 });
  assert.equal(result.exitCode, 0, result.stdout + result.stderr);
  assert.ok(fs.existsSync(lockfile));
  return sandbox;
}

const cached = (sandbox: Sandbox) => runSetup(registry, sandbox, { inputs: { cache: 'true', 'cache-key-prefix': 'pnpm' }, env: { PATH, ...server.env('v2') } });

describe('pnpm, end to end', () => {
  it('detects pnpm from pnpm-lock.yaml, installs frozen, keeps the lockfile, then a warm hit installs nothing and works', async () => {
    const first = await pnpmCheckout();
    const lockfile = fs.readFileSync(path.join(first.workspace, 'pnpm-lock.yaml'));
    const cold = await cached(first);
    try {
      assert.equal(cold.main.exitCode, 0, cold.main.log);
      assert.match(cold.main.log, /^\[command\]\S*\bpnpm install --frozen-lockfile --config\.auto-install-peers=false$/m);
      assert.doesNotMatch(cold.main.log, /\[command\](?:\S*\/)?npm install/, 'npm did not install');
      assert.deepEqual(fs.readFileSync(path.join(first.workspace, 'pnpm-lock.yaml')), lockfile, 'the lockfile is byte-identical');
      assert.equal(fs.existsSync(path.join(first.workspace, 'package-lock.json')), false, 'no package-lock.json beside it');
      const script = JSON.parse(fs.readFileSync(path.join(first.workspace, 'node_modules/fixture-native/install-ran.json'), 'utf8'));
      assert.deepEqual(script, { tokenVisible: false }, 'the install script ran, without the token');
      assert.equal(cold.main.outputs['cache-hit'], 'false');
      assert.match(cold.main.outputs['cache-primary-key'] ?? '', /-pnpm10-/);
      assert.ok(
        server.entries().some((entry) => entry.key === cold.main.outputs['cache-primary-key']),
        'the tree was saved',
      );
    } finally {
      await cold.cleanup();
    }

    const second = await pnpmCheckout(first);
    const warm = await cached(second);
    try {
      assert.equal(warm.main.exitCode, 0, warm.main.log);
      assert.equal(warm.main.outputs['cache-hit'], 'true');
      assert.doesNotMatch(warm.main.log, /\[command\]\S*pnpm install/, 'the exact hit runs no install');
      assert.match(warm.main.log, /skipping "pnpm install --frozen-lockfile"/);
      assert.deepEqual(fs.readFileSync(path.join(second.workspace, 'pnpm-lock.yaml')), lockfile);
      // The restored tree works without pnpm's store (this run's HOME never had one), the link made again.
      const program = execFileSync(node24(), ['-p', 'JSON.stringify(require("./index.js"))'], { cwd: second.workspace, encoding: 'utf8', timeout: 30_000 });
      const loaded = JSON.parse(program) as Record<string, { name?: string; linked?: boolean }>;
      assert.equal(loaded['@pulumi/aws']?.name, '@pulumi/aws');
      assert.equal(loaded['pulumi']?.linked, true);
      const report = JSON.parse(fs.readFileSync(warm.main.outputs['report']!, 'utf8'));
      assert.equal(report.programs[0].installed, 'skipped (cache hit)');
    } finally {
      await warm.cleanup();
    }
  });
});
