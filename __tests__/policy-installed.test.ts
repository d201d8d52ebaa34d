import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { checkInstalledTree } from '../src/policy/index.js';
import { readInstalledTree } from '../src/program-files/read.js';
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

/** A program after `npm install`; node_modules/pulumi is left out because src/link.ts verifies links, not this check. */
async function installedProgram(t: TestContext, options: { awsVersion?: string; extra?: Record<string, string> } = {}): Promise<string> {
  return temporaryTree(t, {
    'program/package.json': PACKAGE_JSON,
    'program/package-lock.json': LOCKFILE,
    'program/node_modules/@pulumi/aws/package.json': JSON.stringify({ name: '@pulumi/aws', version: options.awsVersion ?? '0.10.1' }),
    ...options.extra,
  });
}

async function check(dir: string, options = policyOptions()) {
  return checkInstalledTree(await readInstalledTree(dir, options), options);
}

describe('installed-tree', () => {
  it('passes a tree whose scope package versions match the lockfile', async (t) => {
    const root = await installedProgram(t);
    assert.deepEqual(await check(join(root, 'program')), []);
  });

  it('reports a scope package whose version differs from the lockfile, at the lockfile version', async (t) => {
    const root = await installedProgram(t, {
      awsVersion: '0.10.3',
      extra: { 'program/node_modules/@pulumi/cloud/package.json': '{"name":"@pulumi/cloud","version":"0.10.0"}' },
    });
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

  it('is silent when the rule is off, even for a version mismatch', async (t) => {
    const root = await installedProgram(t, { awsVersion: '0.10.3' });
    const options = policyOptions();
    options.config.rules['installed-tree'] = 'off';
    assert.deepEqual(await check(join(root, 'program'), options), []);
  });
});
