import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readNpmLockfile } from '../src/package-managers/npm/lockfile.js';
import { checkProgram } from '../src/policy/index.js';
import type { ProgramInput } from '../src/policy/types.js';
import { checkFixture, inlineProgram, located, policyOptions } from './support/policy.js';

describe('lockfile-registry', () => {
  it('version 1: a scope package from another registry or a local folder, and one not installed', async () => {
    const report = await checkFixture('lockfile-v1');
    assert.deepEqual(report.findings.map(located), [
      { rule: 'lockfile-registry', severity: 'error', file: 'lockfile-v1/package-lock.json', line: 8, column: 19, package: '@pulumi/aws' },
      { rule: 'lockfile-registry', severity: 'error', file: 'lockfile-v1/package-lock.json', line: 10, column: 9, package: '@pulumi/cloud' },
      { rule: 'lockfile-registry', severity: 'error', file: 'lockfile-v1/package-lock.json', line: 1, column: 1, package: '@pulumi/cloud' },
    ]);
    assert.match(report.findings[0]!.message, /resolves "@pulumi\/aws" from http:\/\/npmjs\.pulumi\.com\/.* not from https:\/\/npmjs\.pulumi\.com\//);
    assert.match(report.findings[1]!.message, /links "@pulumi\/cloud" from a local folder/);
    assert.match(report.findings[2]!.message, /out of step with package\.json: it does not install "@pulumi\/cloud"/);
  });

  it('version 2: another registry, the linked package from a registry, and a version outside the range', async () => {
    const report = await checkFixture('lockfile-v2');
    assert.deepEqual(report.findings.map(located), [
      { rule: 'lockfile-registry', severity: 'error', file: 'lockfile-v2/package-lock.json', line: 22, column: 19, package: '@pulumi/cloud' },
      { rule: 'lockfile-registry', severity: 'error', file: 'lockfile-v2/package-lock.json', line: 26, column: 19, package: 'pulumi' },
      { rule: 'lockfile-registry', severity: 'error', file: 'lockfile-v2/package-lock.json', line: 17, column: 18, package: '@pulumi/aws' },
    ]);
    assert.match(report.findings[1]!.message, /installs the linked package "pulumi" from https:\/\/registry\.npmjs\.org\/.*peerDependenciesMeta/);
    assert.match(report.findings[2]!.message, /it pins "@pulumi\/aws" at 0\.9\.4, outside package\.json's range "\^0\.10\.0"/);
  });

  it('version 3 with workspaces: each workspace is checked against its own entry in the root lockfile', async () => {
    const report = await checkFixture('workspaces');
    assert.deepEqual(report.findings.map(located), [
      { rule: 'lockfile-registry', severity: 'error', file: 'workspaces/package-lock.json', line: 18, column: 19, package: '@pulumi/cloud' },
      { rule: 'undeclared-dependency', severity: 'error', file: 'workspaces/packages/api/index.ts', line: 3, column: 20, package: '@pulumi/aws' },
      { rule: 'lockfile-registry', severity: 'error', file: 'workspaces/package-lock.json', line: 30, column: 25, package: '@pulumi/aws' },
    ]);
    assert.match(
      report.findings[2]!.message,
      /out of step with packages\/web\/package\.json: it records "@pulumi\/aws": "\^0\.9\.0" where package\.json has "\^0\.10\.0"/,
    );
    assert.deepEqual(
      report.packages.map((row) => [row.workspace, row.name, row.section]),
      [
        ['packages/api', '@pulumi/cloud', 'dependencies'],
        ['packages/api', 'pulumi', 'peerDependencies'],
        ['packages/api', '@pulumi/aws', '(not listed)'],
        ['packages/web', '@pulumi/aws', 'dependencies'],
        ['packages/web', 'pulumi', 'peerDependencies'],
      ],
    );
  });

  it('passes a lockfile in step with package.json that installs from the registry', async () => {
    assert.deepEqual((await checkFixture('migrated')).findings, []);
  });

  const manifest = { dependencies: { '@pulumi/aws': '^0.10.0' }, peerDependencies: { pulumi: 'latest' } };
  const sources = { 'index.ts': 'import "@pulumi/aws";' };
  const withLock = (lock: object | string) => ({
    ...inlineProgram(manifest, sources),
    lockfile: readNpmLockfile({ path: '/p/package-lock.json', text: typeof lock === 'string' ? lock : JSON.stringify(lock, null, 2) }),
  });

  it('reports entries that package.json and the lockfile disagree on', async () => {
    const program = withLock({
      lockfileVersion: 3,
      packages: {
        '': { dependencies: { '@pulumi/cloud': '^0.10.0' } },
        'node_modules/@pulumi/aws': { version: '0.10.0', resolved: 'https://npmjs.pulumi.com/@pulumi/aws/-/aws-0.10.0.tgz' },
      },
    });
    const findings = (await checkProgram(program, policyOptions())).findings;
    assert.deepEqual(
      findings.map((f) => [f.rule, f.package, f.line]),
      [
        ['lockfile-registry', '@pulumi/aws', 4],
        ['lockfile-registry', 'pulumi', 4],
        ['lockfile-registry', '@pulumi/cloud', 6],
      ],
    );
    assert.match(findings[0]!.message, /it does not list "@pulumi\/aws": "\^0\.10\.0"/);
    assert.match(findings[2]!.message, /it lists "@pulumi\/cloud": "\^0\.10\.0", which package\.json does not/);
  });

  it('reports a lockfile that is not JSON at the error', async () => {
    const findings = (await checkProgram(withLock('{\n  "lockfileVersion": 3,\n  oops\n}'), policyOptions())).findings;
    assert.deepEqual(
      findings.map((f) => [f.rule, f.file, f.line, f.column]),
      [['lockfile-registry', '/p/package-lock.json', 3, 3]],
    );
    assert.match(findings[0]!.message, /^package-lock\.json is not valid JSON: an unexpected character here; delete it and run npm install/);
  });

  it('reports a lockfile version npm never wrote, at the version', async () => {
    const findings = (await checkProgram(withLock('{\n  "name": "p",\n  "lockfileVersion": 9,\n  "packages": {}\n}'), policyOptions())).findings;
    assert.deepEqual(
      findings.map((f) => [f.rule, f.line, f.column]),
      [['lockfile-registry', 3, 22]],
    );
    assert.match(findings[0]!.message, /^package-lock\.json has lockfileVersion 9, which is none of npm's \(1, 2 or 3\)/);
  });

  it('accepts a registry URL given without its trailing slash, and is off when the rule is off', async () => {
    const program = withLock({
      lockfileVersion: 3,
      packages: {
        '': { dependencies: { '@pulumi/aws': '^0.10.0' }, peerDependencies: { pulumi: 'latest' } },
        'node_modules/@pulumi/aws': { version: '0.10.0', resolved: 'https://npmjs.pulumi.com/@pulumi/aws/-/aws-0.10.0.tgz' },
      },
    });
    const options = policyOptions();
    options.registryUrl = 'https://npmjs.pulumi.com';
    assert.deepEqual((await checkProgram(program, options)).findings, []);
    options.registryUrl = 'https://mirror.example.com/npm/';
    assert.deepEqual(
      (await checkProgram(program, options)).findings.map((f) => f.rule),
      ['lockfile-registry'],
    );
    options.config.rules['lockfile-registry'] = 'off';
    assert.deepEqual((await checkProgram(program, options)).findings, []);
  });

  it('takes a registry with a path for that path only: another path on the same host is another registry', async () => {
    const resolvedFrom = (path: string) =>
      withLock({
        lockfileVersion: 3,
        packages: {
          '': { dependencies: { '@pulumi/aws': '^0.10.0' }, peerDependencies: { pulumi: 'latest' } },
          'node_modules/@pulumi/aws': { version: '0.10.0', resolved: `https://npm.example.com${path}@pulumi/aws/-/aws-0.10.0.tgz` },
        },
      });
    const options = policyOptions();
    // Without its trailing slash the path is still a folder: /api/npm/pulumi-mirror/ is not below it.
    options.registryUrl = 'https://npm.example.com/api/npm/pulumi';
    assert.deepEqual((await checkProgram(resolvedFrom('/api/npm/pulumi/'), options)).findings, []);
    for (const elsewhere of ['/api/npm/other/', '/api/npm/pulumi-mirror/', '/']) {
      const findings = (await checkProgram(resolvedFrom(elsewhere), options)).findings;
      assert.deepEqual(
        findings.map((f) => [f.rule, f.package, f.line]),
        [['lockfile-registry', '@pulumi/aws', 14]],
        elsewhere,
      );
      assert.match(findings[0]!.message, /not from https:\/\/npm\.example\.com\/api\/npm\/pulumi;/);
    }
  });

  it('compares where npm fetches an entry, after replace-registry-host, with where the scope resolves', async () => {
    const resolvedFrom = (url: string) =>
      withLock({
        lockfileVersion: 3,
        packages: {
          '': { dependencies: { '@pulumi/aws': '^0.10.0' }, peerDependencies: { pulumi: 'latest' } },
          'node_modules/@pulumi/aws': { version: '0.10.0', resolved: url },
        },
      });
    const fromNpmjs = resolvedFrom('https://registry.npmjs.org/@pulumi/aws/-/aws-0.10.0.tgz');
    const options = { ...policyOptions(), registryUrl: 'https://mirror.example.test/npm/' };
    const mirror = { registry: 'https://mirror.example.test/npm/' };
    const rules = async (program: ProgramInput, replace: string, registry = mirror.registry) =>
      (await checkProgram(program, { ...options, hostReplacement: { replace, registry } })).findings.filter((f) => f.rule === 'lockfile-registry');
    // npmjs (the default) and always: the mirror serves the public registry's entries; yarn's host is the same registry.
    assert.deepEqual(await rules(fromNpmjs, 'npmjs'), []);
    assert.deepEqual(await rules(fromNpmjs, 'always'), []);
    assert.deepEqual(await rules(fromNpmjs, 'registry.npmjs.org'), []);
    assert.deepEqual(await rules(resolvedFrom('https://registry.yarnpkg.com/@pulumi/aws/-/aws-0.10.0.tgz'), 'npmjs'), []);
    // npm replaces with its default registry, not the scope's: a scope routed elsewhere still gets the finding.
    const elsewhere = await rules(fromNpmjs, 'npmjs', 'https://registry.npmjs.org/');
    assert.match(
      elsewhere[0]!.message,
      /which npm fetches from registry\.npmjs\.org \(replace-registry-host=npmjs\), not from https:\/\/mirror\.example\.test\/npm\//,
    );
    const never = await rules(fromNpmjs, 'never');
    assert.deepEqual(
      never.map((f) => [f.package, f.line]),
      [['@pulumi/aws', 14]],
    );
    assert.match(
      never[0]!.message,
      /^package-lock\.json resolves "@pulumi\/aws" from https:\/\/registry\.npmjs\.org\/\S+, which npm fetches from registry\.npmjs\.org \(replace-registry-host=never\)/,
    );
    // A host name replaces only that host; npmjs leaves any other host as it is.
    const other = resolvedFrom('https://other.example.test/@pulumi/aws/-/aws-0.10.0.tgz');
    assert.deepEqual(await rules(other, 'other.example.test'), []);
    assert.match((await rules(other, 'npmjs'))[0]!.message, /which npm fetches from other\.example\.test /);
    assert.deepEqual(await rules(fromNpmjs, 'other.example.test').then((f) => f.length), 1);
  });
});
