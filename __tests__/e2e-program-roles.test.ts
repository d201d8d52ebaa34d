import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { errorsOf, makeSandbox, runPolicyCheck, runSetup, type Sandbox } from './support/e2e.js';
import type { StepResult } from './support/runner.js';
import { useCacheServer, useRegistry } from './support/servers.js';

/** Packages on today's release lines, readable by anyone (as on npm), as small stand-ins. */
const TODAY_PACKAGES = [
  { name: '@pulumi/pulumi', version: '3.228.0' },
  { name: '@pulumi/aws', version: '7.23.0', dependencies: { '@pulumi/pulumi': '^3.0.0' } },
];
const PROJECT = 'name: web\nruntime:\n  name: nodejs\n  options:\n    packagemanager: npm\n';

const [registry, server] = await Promise.all([useRegistry({ packages: TODAY_PACKAGES, publicScope: true }), useCacheServer()]);
const sandboxes: Sandbox[] = [];
after(async () => {
  await Promise.all(sandboxes.map((sandbox) => sandbox.cleanup()));
});

/** A sandbox with the files given (relative path → text) and no program at the root. */
async function sandboxWith(files: Record<string, string>): Promise<Sandbox> {
  const sandbox = await makeSandbox({});
  sandboxes.push(sandbox);
  for (const [file, text] of Object.entries(files)) {
    await fs.promises.mkdir(path.dirname(path.join(sandbox.workspace, file)), { recursive: true });
    await fs.promises.writeFile(path.join(sandbox.workspace, file), text);
  }
  return sandbox;
}

const json = (value: object): string => `${JSON.stringify(value, null, 2)}\n`;
const annotated = (step: StepResult) =>
  step.commands.filter((command) => ['error', 'warning', 'notice'].includes(command.command) && command.properties['file']);

describe('a Pulumi.yaml below its package.json, end to end', () => {
  it('working-directory naming the Pulumi.yaml folder installs, checks and caches the package above it', async () => {
    const sandbox = await sandboxWith({
      'infra/package.json': json({ name: 'infra', version: '1.0.0', dependencies: { '@pulumi/pulumi': '^3.0.0', '@pulumi/aws': '^7.0.0' } }),
      'infra/pulumi/Pulumi.yaml': PROJECT,
      'infra/pulumi/index.js': 'const aws = require("@pulumi/aws");\nmodule.exports = { aws };\n',
    });
    const run = await runSetup(registry, sandbox, {
      token: '',
      inputs: { preset: 'current', 'registry-url': '', 'link-path': '', cache: 'true', 'working-directory': 'infra/pulumi' },
      env: server.env('v2'),
    });
    try {
      assert.equal(run.main.exitCode, 0, run.main.log);
      assert.deepEqual(errorsOf(run.main), []);
      assert.deepEqual(annotated(run.main), []);
      const installed = JSON.parse(fs.readFileSync(path.join(sandbox.workspace, 'infra/node_modules/@pulumi/aws/package.json'), 'utf8'));
      assert.equal(installed.version, '7.23.0');
      assert.ok(fs.existsSync(path.join(sandbox.workspace, 'infra/package-lock.json')), 'installed at the package folder');
      assert.equal(fs.existsSync(path.join(sandbox.workspace, 'infra/pulumi/node_modules')), false);
      // Pulumi.yaml below is read: its runtime makes @pulumi/pulumi used, and its packagemanager chose npm.
      assert.match(
        run.main.summary,
        /\| @pulumi\/pulumi \| dependencies \| \^3\.0\.0 \| \\\(used by the Pulumi run time: Pulumi\.yaml runtime nodejs\\\) \| ok \|/,
      );
      const report = JSON.parse(fs.readFileSync(run.main.outputs['report']!, 'utf8'));
      assert.equal(report.programs[0].dir, 'infra');
      assert.equal(report.programs[0].packageManager.source, 'packagemanager');
      const key = run.main.outputs['cache-primary-key']!;
      assert.ok(key !== '' && server.entries().some((entry) => entry.key === key), 'saved under its key');
    } finally {
      await run.cleanup();
    }
  });
});

describe('a library package, end to end', () => {
  const WORKSPACE = {
    'package.json': json({ name: 'root', private: true, workspaces: ['stacks/*', 'lib'] }),
    'stacks/web/package.json': json({ name: 'web', dependencies: { '@pulumi/pulumi': '^3.0.0', lib: '*' } }),
    'stacks/web/Pulumi.yaml': PROJECT,
    'stacks/web/index.js': 'require("lib");\n',
    'lib/package.json': json({ name: 'lib', version: '1.0.0', peerDependencies: { '@pulumi/pulumi': '^3.0.0' } }),
    'lib/index.js': 'module.exports = require("@pulumi/pulumi");\n',
  };

  it('a workspace member without Pulumi.yaml is not checked as a program: no finding on its peer', async () => {
    const sandbox = await sandboxWith(WORKSPACE);
    const run = await runPolicyCheck(sandbox, { preset: 'current' });
    try {
      assert.equal(run.main.exitCode, 0, run.main.log);
      assert.deepEqual(
        annotated(run.main).map((command) => `${command.properties['title']} ${command.properties['file']}`),
        [],
      );
    } finally {
      await run.cleanup();
    }
  });

  it('working-directory naming a package for others gets one notice that names it and why', async () => {
    const sandbox = await sandboxWith({
      'lib/package.json': json({ name: '@acme/lib', version: '1.0.0', types: 'index.d.ts', peerDependencies: { '@pulumi/pulumi': '^3.0.0' } }),
      'lib/index.js': 'module.exports = require("@pulumi/pulumi");\n',
    });
    const run = await runPolicyCheck(sandbox, { preset: 'current', 'working-directory': 'lib' });
    try {
      assert.equal(run.main.exitCode, 0, run.main.log);
      const notices = annotated(run.main);
      assert.deepEqual(
        notices.map((command) => [command.command, command.properties['title'], command.properties['file']]),
        [['notice', 'program', 'lib/package.json']],
      );
      assert.match(notices[0]!.message, /^"@acme\/lib" \(lib\) is not checked as a Pulumi program: it has no Pulumi\.yaml and is a package for others/);
    } finally {
      await run.cleanup();
    }
  });
});
