import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { docsProgram, failureOf, makeSandbox, runSetup, type Sandbox } from './support/e2e.js';
import { defaultFixturePackages } from './support/fixtures.js';
import { pathWithManager } from './support/managers.js';
import { node24 } from './support/node24.js';
import { machinePath, runProcess } from './support/process.js';
import type { ActionRun } from './support/runner.js';
import { useCacheServer, useRegistry } from './support/servers.js';

// The bundled action with bun 1.4 (the devDependency) first on the runner's PATH, against the test registry, which also
// serves an unrelated `pulumi` as npmjs does: bun resolves the 0.10 packages' peer from it, and must not install it.
const [registry, server] = await Promise.all([
  useRegistry({ packages: [...defaultFixturePackages, { name: 'pulumi', version: '3.0.0', files: { 'index.js': 'module.exports = { decoy: true };\n' } }] }),
  useCacheServer(),
]);
const PATH = pathWithManager('bun', machinePath());

const sandboxes: Sandbox[] = [];
after(async () => {
  await Promise.all(sandboxes.map((sandbox) => sandbox.cleanup()));
});

/** A checkout of a program whose repository commits the bun.lock bun made (with a token of its own, kept elsewhere). */
async function checkout(files: Record<string, string | Buffer> = {}, lockfile?: Buffer): Promise<{ sandbox: Sandbox; lockfile: Buffer }> {
  const sandbox = await makeSandbox();
  sandboxes.push(sandbox);
  for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(sandbox.workspace, file), content);
  if (lockfile) fs.writeFileSync(path.join(sandbox.workspace, 'bun.lock'), lockfile);
  else lockfile = await lockWithBun(sandbox.workspace);
  return { sandbox, lockfile };
}

async function lockWithBun(dir: string): Promise<Buffer> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bun-lock-home-'));
  try {
    const npmrc = path.join(home, '.npmrc');
    fs.writeFileSync(npmrc, `@pulumi:registry=${registry.url}\n${registry.url.replace(/^http:/, '')}:_authToken=${registry.tokens.ci}\n`);
    const env = { PATH, HOME: home, TMPDIR: home, NPM_CONFIG_REGISTRY: registry.url, NPM_CONFIG_USERCONFIG: npmrc };
    const made = await runProcess('bun', ['install', '--lockfile-only'], { cwd: dir, env, timeoutMs: 120_000 });
    assert.equal(made.exitCode, 0, made.stderr);
    return fs.readFileSync(path.join(dir, 'bun.lock'));
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

async function bunRun(sandbox: Sandbox, inputs: Record<string, string> = {}): Promise<ActionRun> {
  const run = await runSetup(registry, sandbox, {
    home: path.join(sandbox.root, 'home'),
    inputs: { cache: 'true', 'cache-key-prefix': 'bun', ...inputs },
    env: { PATH, ...server.env('v2') },
  });
  assert.equal(run.main.exitCode, 0, run.main.log);
  return run;
}

const loaded = (dir: string) =>
  JSON.parse(execFileSync(node24(), ['-e', 'console.log(JSON.stringify(require("./index.js")))'], { cwd: dir, encoding: 'utf8', timeout: 30_000 })) as Record<
    string,
    { name?: string; version?: string; linked?: boolean }
  >;

describe('bun, end to end', () => {
  it('is detected from bun.lock, installs frozen through the proxy with pulumi linked, keeps bun.lock, then a warm hit installs nothing', async () => {
    const { sandbox, lockfile } = await checkout();
    fs.mkdirSync(path.join(sandbox.root, 'home'));
    const cold = await bunRun(sandbox);
    assert.match(cold.main.log, /^\[command\]\S*bun install --frozen-lockfile --omit=peer$/m);
    // bun records the peers of @pulumi/cloud, pulumi among them, from the registry: a notice, since no edit clears it.
    assert.match(cold.main.log, /::notice title=lockfile-registry,file=bun\.lock,.*records the linked package "pulumi" .* use bun install --omit=peer/);
    assert.doesNotMatch(cold.main.log, /\[command\]\S*npm (install|ci|link)/);
    assert.deepEqual(fs.readFileSync(path.join(sandbox.workspace, 'bun.lock')), lockfile);
    assert.equal(fs.existsSync(path.join(sandbox.workspace, 'package-lock.json')), false);
    assert.equal(cold.main.outputs['cache-hit'], 'false');
    const key = cold.main.outputs['cache-primary-key']!;
    assert.match(key, /^bun-setup-pulumi-npm-linux-x64-node\d+-bun1-[0-9a-f]{64}$/);
    assert.ok(
      server.entries().some((entry) => entry.key === key),
      'the tree was saved under the primary key',
    );
    const modules = loaded(sandbox.workspace);
    assert.deepEqual(modules['pulumi'], { linked: true, name: 'pulumi', version: '0.10.0' });
    assert.equal(modules['@pulumi/aws']!.version, '0.10.1');
    await cold.cleanup();

    const { sandbox: fresh } = await checkout({}, lockfile);
    fs.mkdirSync(path.join(fresh.root, 'home'));
    const warm = await bunRun(fresh);
    assert.equal(warm.main.outputs['cache-hit'], 'true');
    assert.equal(warm.main.outputs['cache-primary-key'], key);
    assert.doesNotMatch(warm.main.log, /\[command\]\S*bun install/);
    assert.match(warm.main.log, /The restored node_modules is the tree bun last installed from this lockfile: skipping "bun install --frozen-lockfile"\./);
    assert.deepEqual(fs.readFileSync(path.join(fresh.workspace, 'bun.lock')), lockfile);
    const report = JSON.parse(fs.readFileSync(warm.main.outputs['report']!, 'utf8'));
    assert.equal(report.programs[0].installed, 'skipped (cache hit)');
    // A working tree without bun's cache (this runner's HOME never had one), pulumi linked to this run's package.
    assert.equal(fs.existsSync(path.join(fresh.root, 'home', '.bun')), false);
    assert.equal(fs.realpathSync(path.join(fresh.workspace, 'node_modules/pulumi')), fs.realpathSync(fresh.pulumiPackage));
    assert.deepEqual(loaded(fresh.workspace), modules);
    await warm.cleanup();
  });

  it('brings a tree restored under another lockfile up to date with a frozen install (a partial hit)', async () => {
    const prefix = { 'cache-key-prefix': 'bun-partial' };
    const { sandbox } = await checkout();
    fs.mkdirSync(path.join(sandbox.root, 'home'));
    const cold = await bunRun(sandbox, prefix);
    const saved = cold.main.outputs['cache-primary-key']!;
    await cold.cleanup();

    const changed = { ...docsProgram, dependencies: { ...docsProgram.dependencies, 'fixture-native': '1.0.0' } };
    const { sandbox: next, lockfile } = await checkout({ 'package.json': `${JSON.stringify(changed, null, 2)}\n` });
    fs.mkdirSync(path.join(next.root, 'home'));
    const partial = await bunRun(next, prefix);
    assert.equal(partial.main.outputs['cache-hit'], 'false');
    assert.equal(partial.main.outputs['cache-matched-key'], saved);
    assert.match(partial.main.log, /^\[command\]\S*bun install --frozen-lockfile --omit=peer$/m);
    assert.match(partial.main.log, /^\+ fixture-native@1\.0\.0$/m);
    assert.doesNotMatch(partial.main.log, /^\+ @pulumi\/aws/m, 'the restored packages stayed');
    assert.deepEqual(fs.readFileSync(path.join(next.workspace, 'bun.lock')), lockfile);
    assert.equal(loaded(next.workspace)['pulumi']!.linked, true);
    await partial.cleanup();
  });

  it('refuses a committed bunfig.toml that routes the scope elsewhere, naming file and setting, before any install', async () => {
    const { sandbox, lockfile } = await checkout();
    const bunfig = '[install.scopes]\n"@pulumi" = "http://127.0.0.1:9/"\n';
    fs.writeFileSync(path.join(sandbox.workspace, 'bunfig.toml'), bunfig);
    const run = await runSetup(registry, sandbox, { inputs: {}, env: { PATH } });
    try {
      assert.equal(run.main.exitCode, 1, run.main.log);
      assert.equal(
        failureOf(run.main),
        `${path.join(sandbox.workspace, 'bunfig.toml')} routes @pulumi to http://127.0.0.1:9/, not to "registry-url" (${registry.url}), so the install ` +
          'would not get the scope from the registry the token is for. Remove that setting, or set "registry-url" to it if you trust it.',
      );
      assert.doesNotMatch(run.main.log, /\[command\]\S*bun install/, 'no install ran');
      assert.equal(fs.readFileSync(path.join(sandbox.workspace, 'bunfig.toml'), 'utf8'), bunfig);
      assert.deepEqual(fs.readFileSync(path.join(sandbox.workspace, 'bun.lock')), lockfile);
    } finally {
      await run.cleanup();
    }
  });

  for (const [name, runtime] of [
    ['runtime: bun', 'runtime: bun\n'],
    ['runtime: {name: bun}', 'runtime:\n  name: bun\n'],
  ]) {
    it(`is detected from Pulumi.yaml's ${name} without a lockfile, and installs with plain bun install`, async () => {
      const sandbox = await makeSandbox({ '.': { ...docsProgram, name: 'infra-bun' } });
      sandboxes.push(sandbox);
      fs.writeFileSync(path.join(sandbox.workspace, 'Pulumi.yaml'), `name: infra-bun\n${runtime}`);
      const run = await runSetup(registry, sandbox, { inputs: {}, env: { PATH } });
      assert.equal(run.main.exitCode, 0, run.main.log);
      assert.match(run.main.log, /^\[command\]\S*bun install --omit=peer$/m);
      assert.deepEqual(fs.readdirSync(sandbox.workspace).sort(), ['Pulumi.yaml', 'bun.lock', 'index.js', 'node_modules', 'package.json']);
      assert.equal(loaded(sandbox.workspace)['pulumi']!.linked, true);
      await run.cleanup();
    });
  }
});
