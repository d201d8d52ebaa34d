import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { docsProgram, runSetup, withSandbox } from './support/e2e.js';
import { defaultFixturePackages } from './support/fixtures.js';
import { machinePath } from './support/process.js';
import { runAction, runPlaces } from './support/runner.js';
import { assertNoSecret, findSecret } from './support/secret-scan.js';
import { useCacheServer, useRegistry } from './support/servers.js';

// The attacker: a dependency whose postinstall copies every process environment and command line it can read, and the
// files under HOME, RUNNER_TEMP and the workspace, into SPY_DUMP.
const spyFiles = { 'spy.cjs': fs.readFileSync(new URL('./fixtures/token-spy.cjs', import.meta.url), 'utf8') };
const packages = [...defaultFixturePackages, { name: 'runner-spy', version: '1.0.0', scripts: { postinstall: 'node spy.cjs runner-spy' }, files: spyFiles }];
const [registry, server] = await Promise.all([useRegistry({ packages }), useCacheServer()]);
const program = { ...docsProgram, dependencies: { ...docsProgram.dependencies, 'runner-spy': '^1.0.0' } };

const generated = (name: string) => `${name}-${randomBytes(16).toString('hex')}`;

/**
 * A folder put first on the PATH, as an install script could put one: a tar and a zstd that record the environment
 * they were started with, then run the real ones. @actions/cache starts both, itself, with process.env.
 */
function plantArchivers(root: string): string {
  const bin = path.join(root, 'archivers');
  fs.mkdirSync(bin);
  const real = (name: string) =>
    machinePath()
      .split(path.delimiter)
      .map((dir) => path.join(dir, name))
      .find((file) => fs.existsSync(file));
  for (const name of ['tar', 'zstd', 'zstdmt']) {
    const target = real(name);
    if (!target) continue;
    const script = `#!/bin/sh\ncat /proc/$$/environ > "$SPY_DUMP/archiver-${name}-$$.environ"\nexec ${target} "$@"\n`;
    fs.writeFileSync(path.join(bin, name), script, { mode: 0o755 });
  }
  return bin;
}

describe("install scripts get none of the runner's credentials, and the cache still works", () => {
  it('a dependency reads no runtime token, results URL, OIDC request token or URL, nor the token; save and restore succeed', async () => {
    await withSandbox({ '.': program }, async (sandbox) => {
      const dump = path.join(sandbox.root, 'spy');
      // The test cache service answers only requests with its runtime token (401 otherwise).
      const cacheEnv = server.env('v2');
      const oidc = { ACTIONS_ID_TOKEN_REQUEST_TOKEN: generated('oidc-token'), ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:9/${generated('oidc-url')}` };
      // A variable the step has that is no credential: the spy must see it, or its silence proves nothing.
      const canary = generated('canary');
      const secrets = {
        'runtime token': cacheEnv['ACTIONS_RUNTIME_TOKEN']!,
        'OIDC request token': oidc.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
        'Pulumi token': registry.tokens.ci,
      };
      // Not secrets (the debug log names the cache service), but the means to use one: out of the scripts' reach too.
      const addresses = { 'results URL': cacheEnv['ACTIONS_RESULTS_URL']!, 'OIDC request URL': oidc.ACTIONS_ID_TOKEN_REQUEST_URL };
      const PATH = `${plantArchivers(sandbox.root)}${path.delimiter}${machinePath()}`;
      const env = { ...cacheEnv, ...oidc, SPY_DUMP: dump, CANARY: canary, PATH };
      const options = { inputs: { cache: 'true', 'cache-key-prefix': 'runner-credentials' }, env };
      const assertDumpHoldsNone = async (what: string) => {
        assert.notDeepEqual(await findSecret(canary, { dirs: [dump] }), [], `${what} read the step's environment`);
        for (const [name, secret] of Object.entries({ ...secrets, ...addresses })) {
          const hits = await findSecret(secret, { dirs: [dump] });
          assert.deepEqual(
            hits.map((hit) => `${hit.where} ${hit.excerpt}`),
            [],
            `no process environment or command line and no file ${what} could read holds the ${name}`,
          );
        }
      };

      // The first run writes the lockfile the repository commits (it is part of the cache key).
      const first = await runSetup(registry, sandbox, { ...options, inputs: { ...options.inputs, cache: 'false' } });
      assert.equal(first.main.exitCode, 0, first.main.log);
      await first.cleanup();
      for (const dir of [path.join(sandbox.workspace, 'node_modules'), dump]) fs.rmSync(dir, { recursive: true });

      const miss = await runSetup(registry, sandbox, options);
      try {
        assert.equal(miss.main.exitCode, 0, miss.main.log);
        assert.ok(
          fs.readdirSync(dump).some((name) => name.startsWith('runner-spy-')),
          'the install script ran',
        );
        await assertDumpHoldsNone('the install script (or the tar and zstd of the save)');
        // Nor does the run write a secret anywhere: its log, outputs and files.
        for (const secret of Object.values(secrets)) await assertNoSecret(secret, runPlaces(miss));
        assert.equal(server.entries().length, 1, 'the save reached the cache service with the runtime token');
      } finally {
        await miss.cleanup();
      }

      fs.rmSync(path.join(sandbox.workspace, 'node_modules'), { recursive: true });
      const hit = await runSetup(registry, sandbox, options);
      try {
        assert.equal(hit.main.exitCode, 0, hit.main.log);
        assert.equal(hit.main.outputs['cache-hit'], 'true', 'the restore reached the cache service with the runtime token');
        assert.ok(fs.existsSync(path.join(sandbox.workspace, 'node_modules', 'runner-spy', 'package.json')));
        const archivers = fs.readdirSync(dump).filter((name) => name.startsWith('archiver-tar-'));
        assert.ok(archivers.length >= 2, `the cache's tar ran from the planted folder to save and to restore: ${archivers}`);
        await assertDumpHoldsNone("the cache's tar and zstd");
      } finally {
        await hit.cleanup();
      }
    });
  });
});

describe('the job summary escapes a hostile working-directory name', () => {
  it('a folder named with a backtick and a command substitution stays one code span, and its fix command one shell word', async () => {
    const name = 'a`b $(touch pwned)';
    const oldProgram = { name: 'old', peerDependencies: { '@pulumi/aws': '*', pulumi: '*' } };
    await withSandbox({ [name]: oldProgram }, async (sandbox) => {
      // From a release tag: the summary names the published command line's fix, with the folder in it.
      const { version } = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
      // The preset given: under auto, the 0.10 preset's fixes would be suggestions, not a command to run.
      // Its glob characters escaped, as working-directory asks of a folder's name.
      const inputs = { install: 'false', 'working-directory': name.replace(/[()]/g, '\\$&'), preset: 'pulumi-0.10' };
      const run = await runAction({ workspace: sandbox.workspace, tempParent: sandbox.root, inputs, env: { GITHUB_ACTION_REF: `v${version}` } });
      try {
        assert.equal(run.main.exitCode, 1, 'the old program breaks the policy');
        const summary = run.main.summary;
        assert.ok(summary.includes(`### Program \`\`${name}\`\`\n`), summary);
        assert.ok(summary.includes(`### Fixes for \`\`${name}\`\`\n`), summary);
        assert.ok(summary.includes(`Run \`\`npx --yes @setup-pulumi-npm/cli@${version} fix --preset pulumi-0.10 '${name}'\`\` in the repository`), summary);
      } finally {
        await run.cleanup();
      }
    });
  });
});
