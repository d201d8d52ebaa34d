import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readYarnLockfile } from '../src/package-managers/yarn/lockfile.js';
import { checkInstalledTree } from '../src/policy/index.js';
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
import { policyOptions } from './support/policy.js';

/** A yarn 2+ lockfile of one project: its workspace block lists `dependencies`, then the blocks given. */
function berry(dependencies: string, blocks: string): { path: string; text: string } {
  return {
    path: '/p/yarn.lock',
    text:
      '__metadata:\n  version: 8\n  cacheKey: 10c0\n\n' +
      '"program@workspace:.":\n  version: 0.0.0-use.local\n  resolution: "program@workspace:."\n' +
      `  dependencies:\n${dependencies}  languageName: unknown\n  linkType: soft\n\n${blocks}`,
  };
}

describe('yarn.lock', () => {
  // Made by yarn 1.22 against the test registry, its URLs then moved to registry.yarnpkg.com and @pulumi/random's elsewhere.
  it("yarn 1: finds the tampered entry on its resolved URL; registry.yarnpkg.com is npm's default registry", async () => {
    assert.deepEqual(await lockfileFindings('yarn-v1'), [
      { rule: 'lockfile-registry', severity: 'error', file: 'yarn-v1/yarn.lock', line: 17, column: 12, package: '@pulumi/random' },
    ]);
  });

  it('yarn 1: a scope routed to another registry flags registry.yarnpkg.com too (yarn fetches the URL as written)', async () => {
    const findings = await lockfileFindings('yarn-v1', policyOptions(presetConfig('pulumi-0.10')));
    assert.deepEqual(
      findings.map((finding) => [finding.package, finding.line]),
      [
        ['@pulumi/aws', 7],
        ['@pulumi/aws', 12],
        ['@pulumi/random', 17],
      ],
    );
  });

  // Made by yarn 4.18 (nodeLinker: node-modules), then @pulumi/random's tarball given another host (__archiveUrl).
  it('yarn 2+: finds the tampered entry on its resolution, and nothing in the entries that resolve through the registry', async () => {
    assert.deepEqual(await lockfileFindings('yarn-berry'), [
      { rule: 'lockfile-registry', severity: 'error', file: 'yarn-berry/yarn.lock', line: 24, column: 15, package: '@pulumi/random' },
    ]);
  });

  it('yarn 1: the installed version for the spec package.json gives, at the root and in a workspace', async () => {
    const lockfile = await readable(readYarnLockfile, fixtureFile('yarn-v1', 'yarn.lock'));
    assert.equal(installedFor(lockfile, '', '@pulumi/aws', '^0.10.0')?.version, '0.10.1');
    assert.equal(installedFor(lockfile, 'packages/app', '@pulumi/aws', '0.9.0')?.version, '0.9.0');
    assert.equal(installedFor(lockfile, '', '@pulumi/random')?.version, '4.16.0');
    // Two versions and no spec: yarn 1's lockfile does not say which one is hoisted.
    assert.equal(installedFor(lockfile, '', '@pulumi/aws'), undefined);
    assert.equal(installedFor(lockfile, '', 'mysdk')?.link, true);
  });

  it("yarn 2+: the installed versions of the root's and a workspace's direct dependencies", async () => {
    const lockfile = await readable(readYarnLockfile, fixtureFile('yarn-berry', 'yarn.lock'));
    assert.equal(installedFor(lockfile, '', '@pulumi/aws')?.version, '0.10.1');
    assert.equal(installedFor(lockfile, 'packages/app', '@pulumi/aws')?.version, '0.9.0');
    assert.equal(installedFor(lockfile, 'packages/app', '@pulumi/random')?.version, '4.16.0');
    assert.equal(lockfile.roots?.get('')?.specs.get('@pulumi/aws')?.spec, '^0.10.0');
    assert.ok([...lockfile.packages.keys()].every((key) => !key.startsWith('node_modules/')));
  });

  it('yarn 1 after the install: node_modules holds one of the versions the lockfile records for a name', () => {
    const lockfile = readYarnLockfile(fixtureFile('yarn-v1', 'yarn.lock'));
    const installed = (version: string) =>
      checkInstalledTree(
        {
          scopePackages: [
            { name: '@pulumi/aws', version },
            { name: '@pulumi/random', version: '4.16.0' },
          ],
          lockfile,
        },
        currentOptions(),
      );
    assert.deepEqual(installed('0.10.1'), []);
    const [finding] = installed('0.11.0');
    assert.match(finding?.message ?? '', /node_modules\/@pulumi\/aws is 0\.11\.0 but yarn\.lock records 0\.9\.0; run yarn install --frozen-lockfile/);
    assert.equal(finding?.line, 6);
  });

  // @pulumi/awsx 3 depends on @pulumi/docker, which yarn 4 hoists: no lockfile records where a package is installed.
  it("yarn 2+ after the install: a scope package hoisted from a dependency's dependencies is one the lockfile records", () => {
    const lockfile = readYarnLockfile(
      berry(
        '    "@pulumi/awsx": "npm:^3.0.0"\n',
        '"@pulumi/awsx@npm:^3.0.0":\n  version: 3.1.0\n  resolution: "@pulumi/awsx@npm:3.1.0"\n  dependencies:\n    "@pulumi/docker": "npm:^4.6.0"\n' +
          '  languageName: node\n  linkType: hard\n\n' +
          '"@pulumi/docker@npm:^4.6.0":\n  version: 4.11.2\n  resolution: "@pulumi/docker@npm:4.11.2"\n  languageName: node\n  linkType: hard\n',
      ),
    );
    const installed = (version: string) =>
      checkInstalledTree(
        {
          scopePackages: [
            { name: '@pulumi/awsx', version: '3.1.0' },
            { name: '@pulumi/docker', version },
          ],
          lockfile,
        },
        currentOptions(),
      );
    assert.deepEqual(installed('4.11.2'), []);
    assert.match(installed('4.12.0')[0]?.message ?? '', /node_modules\/@pulumi\/docker is 4\.12\.0 but yarn\.lock records 4\.11\.2/);
  });

  it('yarn 1: a spec of package.json that the lockfile lacks is out of step', async () => {
    const read = readYarnLockfile(fixtureFile('yarn-v1', 'yarn.lock'));
    const findings = await inlineFindings({ dependencies: { '@pulumi/aws': '^0.11.0', '@pulumi/random': '^4.16.0' } }, read);
    assert.deepEqual(
      findings.map((finding) => [finding.package, finding.line]),
      [
        ['@pulumi/random', 17],
        ['@pulumi/aws', 1],
      ],
    );
    assert.match(findings[1]!.message, /does not install "@pulumi\/aws"; run yarn install and commit the updated yarn\.lock/);
  });

  it('yarn 2+: flags a scope package from a folder (portal:), not a generated SDK in sdks/', async () => {
    const read = readYarnLockfile(
      berry(
        '    "@pulumi/local": "portal:../local"\n    "@pulumi/sdk": "file:sdks/sdk"\n',
        '"@pulumi/local@portal:../local::locator=program%40workspace%3A.":\n  version: 0.0.0-use.local\n' +
          '  resolution: "@pulumi/local@portal:../local::locator=program%40workspace%3A."\n  languageName: node\n  linkType: soft\n\n' +
          '"@pulumi/sdk@file:sdks/sdk::locator=program%40workspace%3A.":\n  version: 1.0.0\n' +
          '  resolution: "@pulumi/sdk@file:sdks/sdk#sdks/sdk::hash=1&locator=program%40workspace%3A."\n  languageName: node\n  linkType: hard\n',
      ),
    );
    await assertLocalLinkFound(read, 'portal:../local', 14);
  });

  it('yarn 2+: a tarball URL in the resolution is where yarn fetches it', async () => {
    const url = 'https://evil.example.com/aws.tgz';
    const read = readYarnLockfile(
      berry(
        `    "@pulumi/aws": "${url}"\n`,
        `"@pulumi/aws@${url}":\n  version: 0.10.1\n  resolution: "@pulumi/aws@${url}#::hash=1"\n  languageName: node\n  linkType: hard\n`,
      ),
    );
    const findings = await inlineFindings({ dependencies: { '@pulumi/aws': url } }, read);
    assert.deepEqual(
      findings.map((finding) => [finding.package, finding.line, finding.column]),
      [['@pulumi/aws', 15, 15]],
    );
    assert.match(findings[0]!.message, /in \.yarnrc\.yml \(npmScopes\)/);
  });

  for (const name of ['yarn-v1', 'yarn-berry'])
    it(`${name}: reads CRLF line endings the same, on the same line and column`, async () => {
      const read = readYarnLockfile(fixtureFile(name, 'yarn.lock', (text) => text.replace(/\n/g, '\r\n')));
      const findings = await inlineFindings(fixtureManifest(name), read);
      assert.deepEqual(
        findings.map((finding) => [finding.package, finding.line, finding.column]),
        [['@pulumi/random', name === 'yarn-v1' ? 17 : 24, name === 'yarn-v1' ? 12 : 15]],
      );
    });

  it('reports a file that is no yarn lockfile', async () => {
    await assertUnreadable(readYarnLockfile, { path: '/p/yarn.lock', text: '{\n  "lockfileVersion": 3\n}\n' }, /this line is not part of a yarn 1 lockfile/, 1);
    await assertUnreadable(readYarnLockfile, { path: '/p/yarn.lock', text: "lockfileVersion: '9.0'\n" }, /this line is not part of a yarn 1 lockfile/, 1);
    await assertUnreadable(readYarnLockfile, { path: '/p/yarn.lock', text: '__metadata:\n  cacheKey: 10c0\n' }, /its __metadata has no version/, 1);
    await assertUnreadable(readYarnLockfile, { path: '/p/yarn.lock', text: '__metadata:\n  version: 8\n"a@npm:1":\n  resolution: [1,\n' }, /not valid YAML/);
  });

  for (const { title, text, message } of HOSTILE_TEXTS)
    it(`reports a ${title} file as a finding, never a throw`, async () => {
      await assertUnreadable(readYarnLockfile, { path: '/p/yarn.lock', text: `__metadata:\n  version: 8\n${text}` }, message);
      await assertUnreadable(
        readYarnLockfile,
        { path: '/p/yarn.lock', text },
        title === 'indented deeply' ? /nested too deeply|not part of a yarn 1/ : message,
      );
    });
});
