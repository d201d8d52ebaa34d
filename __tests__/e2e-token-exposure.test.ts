import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { docsProgram, runSetup, withSandbox, type Sandbox } from './support/e2e.js';
import { defaultFixturePackages } from './support/fixtures.js';
import { findSecret } from './support/secret-scan.js';
import { useCacheServer, useRegistry } from './support/servers.js';

// The attacker's script (CommonJS, no dependencies): in a published dependency, in the program, in the linked package.
const spy = fs.readFileSync(new URL('./fixtures/token-spy.cjs', import.meta.url), 'utf8');

const spyDependency = {
  name: 'spy-dependency',
  version: '1.0.0',
  scripts: { postinstall: 'node spy.cjs dependency-postinstall' },
  files: { 'spy.cjs': spy },
};
const [registry, server] = await Promise.all([useRegistry({ packages: [...defaultFixturePackages, spyDependency] }), useCacheServer()]);

const program = {
  ...docsProgram,
  dependencies: { ...docsProgram.dependencies, 'spy-dependency': '^1.0.0' },
  scripts: { install: 'node spy.cjs program-install', prepare: 'node spy.cjs program-prepare' },
};
const LINK_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare'];

/** The program's spy, and a linkable `pulumi` with an executable (so npm links it on every path) and a spy in each install script. */
function plantSpies(sandbox: Sandbox): { linkPath: string; dump: string } {
  fs.writeFileSync(path.join(sandbox.workspace, 'spy.cjs'), spy);
  const linkPath = path.join(sandbox.root, 'pulumi-with-scripts');
  fs.mkdirSync(linkPath);
  const scripts = Object.fromEntries(LINK_SCRIPTS.map((name) => [name, `node spy.cjs link-${name}`]));
  const manifest = { name: 'pulumi', version: '0.10.0', main: 'index.js', bin: { 'pulumi-spy': 'bin.js' }, scripts };
  fs.writeFileSync(path.join(linkPath, 'package.json'), JSON.stringify(manifest));
  fs.writeFileSync(path.join(linkPath, 'index.js'), 'module.exports = { linked: true };\n');
  fs.writeFileSync(path.join(linkPath, 'bin.js'), '#!/usr/bin/env node\n');
  fs.writeFileSync(path.join(linkPath, 'spy.cjs'), spy);
  // Outside HOME, RUNNER_TEMP and the workspace, so the spies do not copy each other's copies.
  return { linkPath, dump: path.join(sandbox.root, 'spy') };
}

interface SpyReport {
  label: string;
  roots: string[];
  files: number;
  processes: number;
  ancestors: { pid: number; cmdline: string[]; environRead: boolean }[];
}

/** What each script reported, after checking that it ran inside the main step and could read the step's environment. */
function spyReports(dump: string): SpyReport[] {
  const reports = fs
    .readdirSync(dump)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(fs.readFileSync(path.join(dump, name), 'utf8')) as SpyReport);
  for (const report of reports) {
    const step = report.ancestors.find((ancestor) => ancestor.cmdline.some((arg) => arg.endsWith(path.join('dist', 'index.js'))));
    assert.ok(step, `${report.label} ran inside the main step (its ancestors: ${JSON.stringify(report.ancestors.map((a) => a.cmdline))})`);
    assert.ok(step.environRead, `${report.label} could read the main step's environment, so it would have seen a token there`);
    assert.equal(report.roots.length, 3, `${report.label} walked HOME, RUNNER_TEMP and the workspace`);
    assert.ok(report.files > 0 && report.processes > 1, `${report.label} read files and other processes`);
  }
  return reports;
}

async function assertSpiesFoundNothing(dump: string, token: string): Promise<string[]> {
  const reports = spyReports(dump);
  const hits = await findSecret(token, { dirs: [dump] });
  assert.deepEqual(
    hits.map((hit) => `${hit.where}: ${hit.excerpt}`),
    [],
    'no process environment or command line and no file the install scripts could read holds the token',
  );
  return reports.map((report) => report.label).sort();
}

describe('while install, prepare and link scripts run, nothing they can read holds the token', () => {
  for (const [given, tokenInputs] of [
    ['as the input', (token: string) => ({ inputs: { 'pulumi-access-token': token }, env: {} })],
    ['only in the step environment', (token: string) => ({ inputs: { 'pulumi-access-token': '' }, env: { PULUMI_ACCESS_TOKEN: token } })],
  ] as const) {
    it(`on an install, with the token given ${given}`, async () => {
      await withSandbox({ '.': program }, async (sandbox) => {
        const { linkPath, dump } = plantSpies(sandbox);
        const token = tokenInputs(registry.tokens.ci);
        const run = await runSetup(registry, sandbox, { inputs: { ...token.inputs, 'link-path': linkPath }, env: { ...token.env, SPY_DUMP: dump } });
        try {
          assert.equal(run.main.exitCode, 0, run.main.log);
          const labels = await assertSpiesFoundNothing(dump, registry.tokens.ci);
          for (const label of ['dependency-postinstall', 'program-install', 'program-prepare']) assert.ok(labels.includes(label), `${label} ran: ${labels}`);
        } finally {
          await run.cleanup();
        }
      });
    });
  }

  it('on a cache hit, where the linked package is linked by npm with its scripts', async () => {
    await withSandbox({ '.': program }, async (sandbox) => {
      const { linkPath, dump } = plantSpies(sandbox);
      const options = { inputs: { 'link-path': linkPath, cache: 'true', 'cache-key-prefix': 'spy' }, env: { ...server.env('v2'), SPY_DUMP: dump } };
      // The first run writes the lockfile the repository commits, the second saves the tree under its key.
      for (const cache of ['false', 'true']) {
        const run = await runSetup(registry, sandbox, { ...options, inputs: { ...options.inputs, cache } });
        assert.equal(run.main.exitCode, 0, run.main.log);
        await run.cleanup();
        fs.rmSync(path.join(sandbox.workspace, 'node_modules'), { recursive: true });
      }
      fs.rmSync(dump, { recursive: true });

      const hit = await runSetup(registry, sandbox, options);
      try {
        assert.equal(hit.main.exitCode, 0, hit.main.log);
        assert.equal(hit.main.outputs['cache-hit'], 'true');
        const labels = await assertSpiesFoundNothing(dump, registry.tokens.ci);
        assert.ok(
          labels.some((label) => label.startsWith('link-')),
          `the linked package's scripts ran on the hit: ${labels}`,
        );
      } finally {
        await hit.cleanup();
      }
    });
  });
});
