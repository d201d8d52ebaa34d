import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { errorsOf, failureOf, makeSandbox, runPolicyCheck, runSetup, type Sandbox } from './support/e2e.js';
import { recordScript } from './support/fixtures.js';
import type { ActionRun, StepResult } from './support/runner.js';
import { runPlaces } from './support/runner.js';
import { assertNoSecret } from './support/secret-scan.js';
import { useCacheServer, useRegistry } from './support/servers.js';

/** Packages on today's release lines, readable by anyone (as on npm), as small stand-ins. */
const TODAY_PACKAGES = [
  { name: '@pulumi/pulumi', version: '3.228.0' },
  { name: '@pulumi/aws', version: '7.23.0', dependencies: { '@pulumi/pulumi': '^3.0.0' } },
  { name: '@pulumi/random', version: '4.18.0', dependencies: { '@pulumi/pulumi': '^3.0.0' } },
  // Its install script records whether npm's environment held the token.
  { name: 'fixture-native', version: '1.0.0', scripts: { install: 'node record.js' }, files: { 'record.js': recordScript('install-ran.json') } },
];

/** A program of today: @pulumi/pulumi is listed but never imported (the language host loads it), nothing is linked. */
const todayProgram = { name: 'today', version: '1.0.0', dependencies: { '@pulumi/pulumi': '^3.0.0', '@pulumi/aws': '^7.0.0', 'fixture-native': '^1.0.0' } };
const BACKEND_TOKEN = 'pul-backend-only-0123456789abcdef0123456789ab';

const [registry, server] = await Promise.all([useRegistry({ packages: TODAY_PACKAGES, publicScope: true }), useCacheServer()]);
const sandboxes: Sandbox[] = [];
after(async () => {
  await Promise.all(sandboxes.map((sandbox) => sandbox.cleanup()));
});

async function todaySandbox(manifest: Record<string, unknown> = todayProgram): Promise<Sandbox> {
  const sandbox = await makeSandbox({ '.': manifest });
  sandboxes.push(sandbox);
  await fs.promises.writeFile(path.join(sandbox.workspace, 'index.js'), 'const aws = require("@pulumi/aws");\nmodule.exports = { aws };\n');
  await fs.promises.writeFile(path.join(sandbox.workspace, 'Pulumi.yaml'), 'name: today\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n');
  return sandbox;
}

/** A run with no token input and no registry-url: only a backend token in the job's environment. */
async function currentRun(sandbox: Sandbox, inputs: Record<string, string> = {}): Promise<ActionRun> {
  const run = await runSetup(registry, sandbox, {
    token: '',
    inputs: { preset: 'current', 'registry-url': '', 'link-path': '', cache: 'true', ...inputs },
    env: { ...server.env('v2'), PULUMI_ACCESS_TOKEN: BACKEND_TOKEN },
  });
  try {
    await assertNoSecret(BACKEND_TOKEN, runPlaces(run, [sandbox.root]));
  } catch (error) {
    await run.cleanup();
    throw error;
  }
  return run;
}

const annotations = (step: StepResult, kind: string) => step.commands.filter((command) => command.command === kind && command.properties['file']);

describe('preset current, end to end: a program of today from a public registry, no token', () => {
  it('installs without a token, links nothing, saves the cache, and a fresh checkout restores it', async () => {
    // The repository commits its lockfile: made by an uncached run, then node_modules removed.
    const first = await todaySandbox();
    const locking = await currentRun(first, { cache: 'false' });
    assert.equal(locking.main.exitCode, 0, locking.main.log);
    await locking.cleanup();
    fs.rmSync(path.join(first.workspace, 'node_modules'), { recursive: true });
    const run = await currentRun(first);
    try {
      assert.equal(run.main.exitCode, 0, run.main.log);
      assert.deepEqual(errorsOf(run.main), []);
      assert.equal(run.main.outputs['npmrc'] ?? '', '', 'no scoped .npmrc');
      assert.match(run.main.log, /Nothing routes @pulumi: npm installs it from http:\/\/127\.0\.0\.1:\d+\/, with no token/);
      assert.doesNotMatch(run.main.log, /Token check/);
      const installed = JSON.parse(fs.readFileSync(path.join(first.workspace, 'node_modules/@pulumi/pulumi/package.json'), 'utf8'));
      assert.equal(installed.version, '3.228.0');
      assert.equal(fs.existsSync(path.join(first.workspace, 'node_modules/pulumi')), false, 'nothing linked');
      const record = JSON.parse(fs.readFileSync(path.join(first.workspace, 'node_modules/fixture-native/install-ran.json'), 'utf8'));
      assert.deepEqual(record, { tokenVisible: false }, "the job's PULUMI_ACCESS_TOKEN is not in npm's environment");
      // The install runs the scripts itself, as a plain npm install does: no second pass over the tree.
      assert.doesNotMatch(run.main.log, /\[command\]\S*npm rebuild/);
      const key = run.main.outputs['cache-primary-key']!;
      assert.ok(
        server.entries().some((entry) => entry.key === key),
        'saved',
      );
      assert.match(run.main.summary, /\| Preset \| `current` \(from the input\) \|/);
      assert.match(run.main.summary, /\| Links \| none \|/);
      assert.match(run.main.summary, /\| Token \| not needed, not handed to npm \|/);
      assert.match(
        run.main.summary,
        // The summary escapes markdown in data: the cell renders as (used by the Pulumi run time: …).
        /\| @pulumi\/pulumi \| dependencies \| \^3\.0\.0 \| \\\(used by the Pulumi run time: Pulumi\.yaml runtime nodejs\\\) \| ok \|/,
      );
      const report = JSON.parse(fs.readFileSync(run.main.outputs['report']!, 'utf8'));
      assert.deepEqual(report.settings.preset, { name: 'current', origin: 'input' });
      assert.equal(report.settings.registry.routed, false);
    } finally {
      await run.cleanup();
    }

    const fresh = await todaySandbox();
    fs.copyFileSync(path.join(first.workspace, 'package-lock.json'), path.join(fresh.workspace, 'package-lock.json'));
    const restored = await currentRun(fresh);
    try {
      assert.equal(restored.main.exitCode, 0, restored.main.log);
      assert.equal(restored.main.outputs['cache-hit'], 'true');
      assert.ok(fs.existsSync(path.join(fresh.workspace, 'node_modules/@pulumi/aws/package.json')));
    } finally {
      await restored.cleanup();
    }
  });

  it('finds an unused provider, and never @pulumi/pulumi', async () => {
    const sandbox = await todaySandbox({ ...todayProgram, dependencies: { ...todayProgram.dependencies, '@pulumi/random': '^4.0.0' } });
    const run = await runPolicyCheck(sandbox, { preset: 'current' });
    try {
      assert.equal(run.main.exitCode, 1);
      assert.deepEqual(
        annotations(run.main, 'error').map((command) => [command.properties['title'], command.message.slice(0, 16)]),
        [['strict-dependencies', '"@pulumi/random"']],
      );
    } finally {
      await run.cleanup();
    }
  });

  it('under the default preset (auto), a program of today is checked as current, and the log, summary and report say why', async () => {
    const sandbox = await todaySandbox();
    const run = await runPolicyCheck(sandbox);
    try {
      assert.equal(run.main.exitCode, 0, run.main.log);
      assert.deepEqual(
        run.main.commands.filter((command) => command.properties['file']),
        [],
      );
      const evidence = `@pulumi/pulumi ${todayProgram.dependencies['@pulumi/pulumi']} in dependencies, no "pulumi" dependency or peer`;
      assert.ok(run.main.log.includes(`Preset: current (auto, the default: ${evidence}).`), run.main.log);
      assert.ok(run.main.summary.includes('| Preset | `current` (auto, the default: @pulumi/pulumi'), run.main.summary);
      const report = JSON.parse(fs.readFileSync(run.main.outputs['report']!, 'utf8')) as { programs: { preset: unknown }[] };
      assert.deepEqual(report.programs[0]!.preset, { name: 'current', source: 'auto', evidence });
    } finally {
      await run.cleanup();
    }
    // The policy file's preset holds with the policy off too: it decides the registry and the links.
    await fs.promises.mkdir(path.join(sandbox.workspace, '.github'));
    await fs.promises.writeFile(path.join(sandbox.workspace, '.github/pulumi-npm-policy.yml'), 'preset: current\n');
    const off = await runPolicyCheck(sandbox, { policy: 'off' });
    try {
      assert.equal(off.main.exitCode, 0, off.main.log);
      assert.match(off.main.summary, /\| Preset \| `current` \(from the policy file\) \|/);
      assert.match(off.main.summary, /\| Links \| none \|/);
    } finally {
      await off.cleanup();
    }
  });

  it('fails on an invalid policy file, on its line, and never falls back to another preset', async () => {
    const sandbox = await todaySandbox();
    const policy = path.join(sandbox.workspace, '.github/pulumi-npm-policy.yml');
    await fs.promises.mkdir(path.dirname(policy), { recursive: true });
    await fs.promises.writeFile(policy, 'preset: current\nimplied:\n  - package: "@pulumi/aws-native"\n    by: 3\n');
    const run = await runPolicyCheck(sandbox);
    try {
      assert.equal(run.main.exitCode, 1);
      const [error, ...others] = annotations(run.main, 'error');
      assert.deepEqual(
        [error?.properties['title'], error?.properties['file'], error?.properties['line'], others.length],
        ['policy-file', '.github/pulumi-npm-policy.yml', '4', 0],
      );
      assert.match(failureOf(run.main) ?? '', /^The policy file \.github\/pulumi-npm-policy\.yml is invalid \(1 error, see the annotations\)/);
      assert.doesNotMatch(run.main.log, /Preset: /);
    } finally {
      await run.cleanup();
    }
  });
});
