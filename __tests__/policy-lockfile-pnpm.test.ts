import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readPnpmLockfile } from '../src/package-managers/pnpm/lockfile.js';
import { checkInstalledTree, checkProgram } from '../src/policy/index.js';
import { installedFor } from '../src/policy/lockfile.js';
import { presetConfig } from '../src/policy/presets.js';
import {
  assertLocalLinkFound,
  assertUnreadable,
  currentOptions,
  fixtureFile,
  fixtureManifest,
  HOSTILE_TEXTS,
  inlineFindings,
  lockfileFindings,
  readable,
} from './support/lockfiles.js';
import { inlineProgram, policyOptions } from './support/policy.js';

const EVIL = 'https://evil.example.com/@pulumi/random/-/random-4.16.0.tgz';
const manifest = { dependencies: { '@pulumi/aws': '^0.10.0' } };

/** A pnpm 9 lockfile of one project, with the importer's and the packages' lines given. */
function lockfile9(importer: string, packages: string): { path: string; text: string } {
  return { path: '/p/pnpm-lock.yaml', text: `lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n${importer}\npackages:\n\n${packages}` };
}

describe('pnpm-lock.yaml', () => {
  // Made by pnpm 10 against the test registry (a workspace, a generated SDK), then @pulumi/random given a tarball URL.
  it('9.0: finds the tampered entry on its tarball URL, and nothing in the entries without a URL', async () => {
    assert.deepEqual(await lockfileFindings('pnpm-v9'), [
      { rule: 'lockfile-registry', severity: 'error', file: 'pnpm-v9/pnpm-lock.yaml', line: 43, column: 135, package: '@pulumi/random' },
    ]);
  });

  it("6.0 (pnpm 8's): finds the tampered entry on its tarball URL", async () => {
    assert.deepEqual(await lockfileFindings('pnpm-v6'), [
      { rule: 'lockfile-registry', severity: 'error', file: 'pnpm-v6/pnpm-lock.yaml', line: 45, column: 135, package: '@pulumi/random' },
    ]);
  });

  it('says what pnpm fetches, and that pnpm install rewrites the lockfile', async () => {
    const [finding] = await inlineFindings(
      manifest,
      readPnpmLockfile(
        lockfile9(
          "    dependencies:\n      '@pulumi/aws':\n        specifier: ^0.10.0\n        version: 0.10.1\n",
          `  '@pulumi/aws@0.10.1':\n    resolution: {tarball: ${EVIL}}\n`,
        ),
      ),
    );
    assert.equal(
      finding?.message,
      `pnpm-lock.yaml resolves "@pulumi/aws" from ${EVIL}, not from https://registry.npmjs.org/; point the @pulumi scope at ` +
        'https://registry.npmjs.org/ in .npmrc, then run pnpm install and commit the updated pnpm-lock.yaml.',
    );
    assert.deepEqual([finding.line, finding.column], [14, 27]);
  });

  for (const name of ['pnpm-v9', 'pnpm-v6']) {
    it(`${name}: the installed versions of the root's and a workspace's direct dependencies`, async () => {
      const lockfile = await readable(readPnpmLockfile, fixtureFile(name, 'pnpm-lock.yaml'));
      assert.equal(installedFor(lockfile, '', '@pulumi/aws')?.version, '0.10.1');
      assert.equal(installedFor(lockfile, 'packages/app', '@pulumi/aws')?.version, '0.9.0');
      assert.equal(installedFor(lockfile, 'packages/app', '@pulumi/random')?.version, '4.16.0');
      assert.equal(installedFor(lockfile, '', 'mysdk')?.link, true);
      assert.deepEqual(lockfile.roots?.get('packages/app')?.specs.get('@pulumi/aws')?.spec, '0.9.0');
      // No key of pnpm's own collides with an install path.
      assert.ok([...lockfile.packages.keys()].every((key) => !key.startsWith('node_modules/')));
    });
  }

  it('after the install: a version in node_modules other than the importer records is found on its version', () => {
    const lockfile = readPnpmLockfile(fixtureFile('pnpm-v9', 'pnpm-lock.yaml'));
    const findings = checkInstalledTree({ scopePackages: [{ name: '@pulumi/aws', version: '0.10.0' }], lockfile }, currentOptions());
    assert.deepEqual(
      findings.map((finding) => [finding.line, finding.column]),
      [[13, 18]],
    );
    assert.match(findings[0]!.message, /is 0\.10\.0 but pnpm-lock\.yaml records 0\.10\.1; run pnpm install --frozen-lockfile so/);
  });

  it('6.0 of a project without workspaces: its dependencies at the top level', async () => {
    const text =
      "lockfileVersion: '6.0'\n\ndependencies:\n  '@pulumi/aws':\n    specifier: ^0.9.0\n    version: 0.9.4\n\n" +
      `packages:\n\n  /@pulumi/aws@0.9.4:\n    resolution: {tarball: ${EVIL}}\n    dev: false\n`;
    const read = readPnpmLockfile({ path: '/p/pnpm-lock.yaml', text });
    assert.equal(installedFor(await readable(readPnpmLockfile, { path: '/p/pnpm-lock.yaml', text }), '', '@pulumi/aws')?.version, '0.9.4');
    const findings = await inlineFindings(manifest, read);
    assert.deepEqual(
      findings.map((finding) => [finding.line, finding.column]),
      [
        [11, 27],
        [5, 5],
      ],
    );
  });

  it('reads a lockfile with CRLF line endings the same, on the same line and column', async () => {
    const crlf = readPnpmLockfile(fixtureFile('pnpm-v9', 'pnpm-lock.yaml', (text) => text.replace(/\n/g, '\r\n')));
    const findings = await inlineFindings(fixtureManifest('pnpm-v9'), crlf);
    assert.deepEqual(
      findings.map((finding) => [finding.package, finding.line, finding.column]),
      [['@pulumi/random', 43, 135]],
    );
  });

  it('flags a scope package linked from a folder, not a generated SDK in sdks/', async () => {
    const read = readPnpmLockfile(
      lockfile9(
        "    dependencies:\n      '@pulumi/local':\n        specifier: link:../local\n        version: link:../local\n" +
          "      '@pulumi/sdk':\n        specifier: file:sdks/sdk\n        version: file:sdks/sdk\n",
        "  '@pulumi/sdk@file:sdks/sdk':\n    resolution: {directory: sdks/sdk, type: directory}\n",
      ),
    );
    await assertLocalLinkFound(read, 'link:../local', 7);
  });

  it('reports an importer out of step with package.json on its specifier, and a version outside the range', async () => {
    const read = readPnpmLockfile(
      lockfile9(
        "    dependencies:\n      '@pulumi/aws':\n        specifier: ^0.9.0\n        version: 0.9.4\n",
        "  '@pulumi/aws@0.9.4':\n    resolution: {integrity: sha512-x}\n",
      ),
    );
    const findings = await inlineFindings(manifest, read);
    assert.deepEqual(
      findings.map((finding) => [finding.line, finding.column]),
      [[8, 9]],
    );
    assert.match(findings[0]!.message, /records "@pulumi\/aws": "\^0\.9\.0" where package\.json has "\^0\.10\.0"; run pnpm install/);
    const inStep = await inlineFindings(
      { dependencies: { '@pulumi/aws': '^0.9.5' } },
      readPnpmLockfile(
        lockfile9(
          "    dependencies:\n      '@pulumi/aws':\n        specifier: ^0.9.5\n        version: 0.9.4\n",
          "  '@pulumi/aws@0.9.4':\n    resolution: {integrity: sha512-x}\n",
        ),
      ),
    );
    assert.deepEqual(
      inStep.map((finding) => [finding.line, finding.column]),
      [[9, 18]],
    );
    assert.match(inStep[0]!.message, /pins "@pulumi\/aws" at 0\.9\.4, outside package\.json's range "\^0\.9\.5"/);
  });

  it('a peer pnpm installed (autoInstallPeers) is in step; a linked package from the registry is found on its resolution', async () => {
    const read = readPnpmLockfile(
      lockfile9(
        "    dependencies:\n      '@pulumi/peer':\n        specifier: ^1.0.0\n        version: 1.0.0\n" +
          '      pulumi:\n        specifier: latest\n        version: 3.0.0\n',
        "  '@pulumi/peer@1.0.0':\n    resolution: {integrity: sha512-x}\n\n  pulumi@3.0.0:\n    resolution: {integrity: sha512-y}\n",
      ),
    );
    const findings = await inlineFindings(
      { peerDependencies: { '@pulumi/peer': '^1.0.0', pulumi: 'latest' } },
      read,
      policyOptions(presetConfig('pulumi-0.10')),
    );
    assert.deepEqual(
      findings.map((finding) => [finding.package, finding.line, finding.column]),
      [['pulumi', 20, 17]],
    );
    assert.match(findings[0]!.message, /installs the linked package "pulumi" from the registry, where anyone can publish that name/);
  });

  it("says to add a package with pnpm's own command", async () => {
    const options = currentOptions();
    const program = {
      ...inlineProgram({}, { 'index.ts': 'import "@pulumi/gcp";' }),
      lockfile: readPnpmLockfile(lockfile9('    dependencies: {}\n', '')),
    };
    const report = await checkProgram(program, { ...options, config: { ...options.config, minimumVersions: {} } });
    assert.match(report.findings.find((finding) => finding.rule === 'undeclared-dependency')?.message ?? '', /with pnpm add @pulumi\/gcp\.$/);
  });

  it('a registry that serves the tarball URL is no finding', async () => {
    const read = readPnpmLockfile(fixtureFile('pnpm-v9', 'pnpm-lock.yaml'));
    assert.deepEqual(await inlineFindings(fixtureManifest('pnpm-v9'), read, currentOptions('https://evil.example.com/')), []);
  });

  it('reports a file that is not a pnpm lockfile, or one of a version it does not know', async () => {
    await assertUnreadable(readPnpmLockfile, { path: '/p/pnpm-lock.yaml', text: '{"lockfileVersion": 3, "packages": {}}' }, /lockfileVersion 3 is not 6\.0/);
    await assertUnreadable(
      readPnpmLockfile,
      { path: '/p/pnpm-lock.yaml', text: '# yarn lockfile v1\n\n"a@1":\n  version "1"\n' },
      /no lockfileVersion, so it is no pnpm lockfile/,
    );
    await assertUnreadable(readPnpmLockfile, { path: '/p/pnpm-lock.yaml', text: "lockfileVersion: '9.0'\nimporters: [\n" }, /not valid YAML/, 3);
    const twice =
      "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {tarball: https://evil.example.com/a.tgz}\n  a@1.0.0:\n    resolution: {integrity: x}\n";
    await assertUnreadable(readPnpmLockfile, { path: '/p/pnpm-lock.yaml', text: twice }, /not valid YAML \(Map keys must be unique/, 5);
  });

  for (const { title, text, message } of HOSTILE_TEXTS)
    it(`reports a ${title} file as a finding, never a throw`, async () => {
      await assertUnreadable(readPnpmLockfile, { path: '/p/pnpm-lock.yaml', text }, message, undefined);
    });
});
