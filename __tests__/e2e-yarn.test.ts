import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { issueInterceptionCertificates } from '../src/token/certificate-authority.js';
import { docsProgram, failureOf, makeSandbox, runSetup, type Sandbox } from './support/e2e.js';
import { pathWithManager } from './support/managers.js';
import { machinePath } from './support/process.js';
import type { ActionRun } from './support/runner.js';
import { useCacheServer, useRegistry } from './support/servers.js';
import { BERRY_PROJECT_RC, berryHomeRc, yarnLockfile, type YarnGeneration } from './support/yarn.js';

// The bundled action with yarn 1 and yarn 4 as the runner would run it: each program holds a yarn.lock yarn itself
// made, the token-gated scope comes through the credential proxy, the cache saves cold and skips the install warm.
const authority = issueInterceptionCertificates('localhost');
const [registry, server] = await Promise.all([useRegistry({ tls: { cert: authority.hostCertificatePem, key: authority.hostKeyPem } }), useCacheServer()]);
const authorityFile = path.join(path.dirname(registry.storageDir), 'test-authority.pem');
fs.writeFileSync(authorityFile, authority.authorityPem);
const sandboxes: Sandbox[] = [];
after(async () => {
  await Promise.all(sandboxes.map((sandbox) => sandbox.cleanup()));
});

/** Yarn 1 reaches the http registry, yarn 4 the https one (yarn 2+ tunnels even http through a proxy). */
const registryFor = (generation: YarnGeneration) => (generation === 'yarn1' ? registry.url : registry.httpsUrl!);
const program = { ...docsProgram, dependencies: { '@pulumi/aws': '^0.10.0', 'fixture-utils': '^1.0.0' } };

/** A checkout of a program whose repository commits the yarn.lock yarn made, and the job's HOME and environment. */
async function yarnCheckout(generation: YarnGeneration, lockfile: string): Promise<{ sandbox: Sandbox; home: string; env: Record<string, string> }> {
  const sandbox = await makeSandbox({ '.': program });
  sandboxes.push(sandbox);
  fs.writeFileSync(path.join(sandbox.workspace, 'yarn.lock'), lockfile);
  if (generation === 'yarn4') fs.writeFileSync(path.join(sandbox.workspace, '.yarnrc.yml'), BERRY_PROJECT_RC);
  const home = path.join(sandbox.root, 'home');
  fs.mkdirSync(home);
  fs.writeFileSync(path.join(home, '.yarnrc.yml'), berryHomeRc(registryFor(generation)));
  const env = {
    PATH: pathWithManager(generation, machinePath()),
    NODE_EXTRA_CA_CERTS: authorityFile,
    YARN_ENABLE_TELEMETRY: '0',
    // Yarn 1 run by root keeps its cache in /usr/local/share whatever HOME says.
    ...(generation === 'yarn1' && { YARN_CACHE_FOLDER: path.join(sandbox.root, 'yarn-cache') }),
  };
  return { sandbox, home, env };
}

const installLines = (run: ActionRun) => run.main.log.split('\n').filter((line) => /^\[command\]\S*yarn install/.test(line));

describe('yarn, end to end', () => {
  for (const [generation, frozen] of [
    ['yarn1', 'yarn install --frozen-lockfile'],
    ['yarn4', 'yarn install --immutable'],
  ] as const) {
    it(`${generation}: detected from yarn.lock, installs frozen through the proxy, saves cold, then a warm hit runs no install`, async () => {
      const scratch = path.dirname(registry.storageDir);
      const lockfile = await yarnLockfile(generation, program, registryFor(generation), registry.tokens.ci, scratch, { NODE_EXTRA_CA_CERTS: authorityFile });
      const runIn = async (checkout: Awaited<ReturnType<typeof yarnCheckout>>) => {
        const run = await runSetup(registry, checkout.sandbox, {
          home: checkout.home,
          inputs: { 'registry-url': registryFor(generation), cache: 'true', 'cache-key-prefix': `e2e-${generation}`, policy: 'off' },
          env: { ...server.env('v2'), ...checkout.env },
        });
        assert.equal(run.main.exitCode, 0, `${failureOf(run.main)}\n${run.main.log}`);
        return run;
      };
      const cold = await yarnCheckout(generation, lockfile);
      const first = await runIn(cold);
      try {
        assert.match(first.main.log, /yarn/, 'the log names yarn');
        assert.deepEqual(
          installLines(first).map((line) => line.replace(/^\[command\]\S*yarn/, 'yarn')),
          [frozen],
        );
        assert.equal(fs.readFileSync(path.join(cold.sandbox.workspace, 'yarn.lock'), 'utf8'), lockfile, 'yarn.lock is unchanged');
        assert.ok(!fs.existsSync(path.join(cold.sandbox.workspace, 'package-lock.json')), 'no package-lock.json');
        assert.equal(first.main.outputs['cache-hit'], 'false');
        assert.match(
          first.main.outputs['cache-primary-key'] ?? '',
          new RegExp(`^e2e-${generation}-setup-pulumi-npm-.*-yarn${generation === 'yarn1' ? 1 : 4}-`),
        );
      } finally {
        await first.cleanup();
      }
      const warm = await yarnCheckout(generation, lockfile);
      const second = await runIn(warm);
      try {
        assert.equal(second.main.outputs['cache-hit'], 'true', second.main.log);
        assert.deepEqual(installLines(second), [], 'no install ran');
        assert.match(second.main.log, new RegExp(`skipping "${frozen}"`));
        const loaded = execFileSync(process.execPath, ['-e', 'console.log(JSON.stringify(require("./index.js")))'], {
          cwd: warm.sandbox.workspace,
          encoding: 'utf8',
        });
        assert.deepEqual(Object.keys(JSON.parse(loaded) as object).sort(), ['@pulumi/aws', 'pulumi'], 'the restored node_modules loads, the linked pulumi too');
        assert.equal(fs.readFileSync(path.join(warm.sandbox.workspace, 'yarn.lock'), 'utf8'), lockfile);
      } finally {
        await second.cleanup();
      }
    });
  }

  it("yarn4: Plug'n'Play is refused before any install, naming nodeLinker: node-modules", async () => {
    const lockfile = await yarnLockfile('yarn4', program, registryFor('yarn4'), registry.tokens.ci, path.dirname(registry.storageDir), {
      NODE_EXTRA_CA_CERTS: authorityFile,
    });
    const checkout = await yarnCheckout('yarn4', lockfile);
    fs.writeFileSync(path.join(checkout.sandbox.workspace, '.yarnrc.yml'), 'nodeLinker: pnp\n');
    const run = await runSetup(registry, checkout.sandbox, {
      home: checkout.home,
      inputs: { 'registry-url': registryFor('yarn4'), policy: 'off' },
      env: checkout.env,
    });
    try {
      assert.equal(run.main.exitCode, 1, run.main.log);
      assert.match(
        failureOf(run.main) ?? '',
        /uses Yarn Plug'n'Play: \S+\.yarnrc\.yml sets "nodeLinker: pnp"\. .*Add "nodeLinker: node-modules" to the \.yarnrc\.yml beside yarn\.lock/,
      );
      assert.deepEqual(installLines(run), [], 'no install ran');
      assert.ok(!fs.existsSync(path.join(checkout.sandbox.workspace, 'node_modules')));
      assert.equal(fs.readFileSync(path.join(checkout.sandbox.workspace, 'yarn.lock'), 'utf8'), lockfile);
    } finally {
      await run.cleanup();
    }
  });
});
