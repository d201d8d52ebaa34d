import assert from 'node:assert/strict';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { checkInstalledTree } from '../src/policy/index.js';
import { readInstalledTree } from '../src/policy/read.js';
import { policyOptions, temporaryTree } from './support/policy.js';

const PACKAGE_JSON = JSON.stringify({ dependencies: { '@pulumi/aws': '^0.10.0' }, peerDependencies: { pulumi: 'latest' } }, null, 2);
const LOCKFILE = JSON.stringify(
  {
    lockfileVersion: 3,
    packages: {
      '': { dependencies: { '@pulumi/aws': '^0.10.0' }, peerDependencies: { pulumi: 'latest' } },
      'node_modules/@pulumi/aws': { version: '0.10.1', resolved: 'https://npmjs.pulumi.com/@pulumi/aws/-/aws-0.10.1.tgz' },
    },
  },
  null,
  2,
);

/** A program after `npm install` and `npm link pulumi`: node_modules/pulumi links to a real package folder. */
async function installedProgram(t: TestContext, options: { linkTarget?: string; awsVersion?: string; extra?: Record<string, string> } = {}): Promise<string> {
  const root = await temporaryTree(t, {
    'program/package.json': PACKAGE_JSON,
    'program/package-lock.json': LOCKFILE,
    'program/node_modules/@pulumi/aws/package.json': JSON.stringify({ name: '@pulumi/aws', version: options.awsVersion ?? '0.10.1' }),
    'sdk/package.json': JSON.stringify({ name: options.linkTarget ?? 'pulumi', version: '0.10.0' }),
    ...options.extra,
  });
  return root;
}

async function check(dir: string) {
  const options = policyOptions();
  return checkInstalledTree(await readInstalledTree(dir, options), options);
}

describe('installed-tree', () => {
  it('passes a tree where the link is a link to pulumi and versions match the lockfile', async (t) => {
    const root = await installedProgram(t);
    await symlink(join(root, 'sdk'), join(root, 'program/node_modules/pulumi'), 'dir');
    assert.deepEqual(await check(join(root, 'program')), []);
  });

  it('reports a missing link at the peerDependencies entry', async (t) => {
    const root = await installedProgram(t);
    const findings = await check(join(root, 'program'));
    assert.deepEqual(findings.map((f) => [f.rule, f.severity, f.file, f.line, f.column]), [['installed-tree', 'error', join(root, 'program/package.json'), 6, 5]]);
    assert.match(findings[0]!.message, /node_modules\/pulumi is missing after the install; run npm link pulumi after every npm install/);
  });

  it('reports a linked package installed from the registry instead of linked', async (t) => {
    const root = await installedProgram(t, { extra: { 'program/node_modules/pulumi/package.json': '{"name":"pulumi","version":"0.9.0"}' } });
    const findings = await check(join(root, 'program'));
    assert.deepEqual(findings.map((f) => f.message), ['node_modules/pulumi was installed from the registry, not linked; run npm link pulumi after every npm install.']);
  });

  it('reports a link to another package', async (t) => {
    const root = await installedProgram(t, { linkTarget: 'not-pulumi' });
    await symlink(join(root, 'sdk'), join(root, 'program/node_modules/pulumi'), 'dir');
    const findings = await check(join(root, 'program'));
    assert.match(findings[0]!.message, /links to the package "not-pulumi"/);
  });

  it('reports a scope package whose version differs from the lockfile, at the lockfile version', async (t) => {
    const root = await installedProgram(t, { awsVersion: '0.10.3', extra: { 'program/node_modules/@pulumi/cloud/package.json': '{"name":"@pulumi/cloud","version":"0.10.0"}' } });
    await symlink(join(root, 'sdk'), join(root, 'program/node_modules/pulumi'), 'dir');
    const findings = await check(join(root, 'program'));
    assert.deepEqual(
      findings.map((f) => [f.package, f.file.endsWith('package-lock.json'), f.line, f.column]),
      [
        ['@pulumi/aws', true, 13, 18],
        ['@pulumi/cloud', true, 1, 1],
      ],
    );
    assert.match(findings[0]!.message, /is 0\.10\.3 but package-lock\.json records 0\.10\.1; run npm ci/);
    assert.match(findings[1]!.message, /is installed but package-lock\.json does not record it/);
  });

  it('is silent when the rule is off', async (t) => {
    const root = await installedProgram(t);
    await mkdir(join(root, 'program/node_modules/other'), { recursive: true });
    const options = policyOptions();
    options.config.rules['installed-tree'] = 'off';
    assert.deepEqual(checkInstalledTree(await readInstalledTree(join(root, 'program'), options), options), []);
  });
});
