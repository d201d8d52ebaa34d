import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { readBunLockfile } from '../src/package-managers/bun/lockfile.js';
import { installedFor } from '../src/policy/lockfile.js';
import { readCacheKeyFiles } from '../src/program-files/read.js';
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
import { pathWithManager } from './support/managers.js';
import { POLICY_FIXTURES } from './support/policy.js';

/** The registry the binary fixture was made against: its URLs are that registry's. */
const BINARY_REGISTRY = 'http://127.0.0.1:33051/';

/** PATH for the rest of the test: `path`, put back when it ends. */
function usePath(t: TestContext, path: string): void {
  const before = process.env['PATH'];
  process.env['PATH'] = path;
  t.after(() => {
    process.env['PATH'] = before;
  });
}

/** A bun.lock of one project listing `dependencies`, with the packages given. */
function bunLock(dependencies: string, packages: string): { path: string; text: string } {
  return {
    path: '/p/bun.lock',
    text:
      '{\n  "lockfileVersion": 1,\n  "workspaces": {\n    "": {\n      "name": "p",\n' +
      `      "dependencies": {\n${dependencies}      },\n    },\n  },\n  "packages": {\n${packages}  }\n}\n`,
  };
}

describe('bun.lock', () => {
  // Made by bun 1.4.5 against the test registry, its URLs then made '' (the default registry) and @pulumi/random's elsewhere.
  it("finds the tampered entry on its tuple's URL, and nothing in the entries of the default registry ('')", async () => {
    assert.deepEqual(await lockfileFindings('bun-text'), [
      { rule: 'lockfile-registry', severity: 'error', file: 'bun-text/bun.lock', line: 28, column: 49, package: '@pulumi/random' },
    ]);
  });

  it("the installed versions of the root's and a workspace's direct dependencies", async () => {
    const lockfile = await readable(readBunLockfile, fixtureFile('bun-text', 'bun.lock'));
    assert.equal(installedFor(lockfile, '', '@pulumi/aws')?.version, '0.10.1');
    assert.equal(installedFor(lockfile, 'packages/app', '@pulumi/aws')?.version, '0.9.0');
    assert.equal(installedFor(lockfile, 'packages/app', '@pulumi/random')?.version, '4.16.0');
    assert.equal(installedFor(lockfile, '', 'mysdk')?.link, true);
    assert.equal(lockfile.roots?.get('packages/app')?.specs.get('@pulumi/aws')?.spec, '0.9.0');
  });

  it('reads CRLF line endings the same, on the same line and column', async () => {
    const read = await readBunLockfile(fixtureFile('bun-text', 'bun.lock', (text) => text.replace(/\n/g, '\r\n')));
    const findings = await inlineFindings(fixtureManifest('bun-text'), read);
    assert.deepEqual(
      findings.map((finding) => [finding.package, finding.line, finding.column]),
      [['@pulumi/random', 28, 49]],
    );
    assert.match(findings[0]!.message, /in bunfig\.toml \(\[install\.scopes\]\) or \.npmrc, then run bun install and commit the updated bun\.lock/);
  });

  it('flags a scope package linked from a folder, not a generated SDK in sdks/', async () => {
    const read = await readBunLockfile(
      bunLock(
        '        "@pulumi/local": "link:@pulumi/local",\n        "@pulumi/sdk": "file:sdks/sdk",\n',
        '    "@pulumi/local": ["@pulumi/local@link:@pulumi/local"],\n    "@pulumi/sdk": ["@pulumi/sdk@file:sdks/sdk", {}],\n',
      ),
    );
    await assertLocalLinkFound(read, 'link:@pulumi/local', 13);
  });

  it('reports a version outside the range on the tuple', async () => {
    const read = await readBunLockfile(bunLock('        "@pulumi/aws": "^0.10.0",\n', '    "@pulumi/aws": ["@pulumi/aws@0.9.4", "", {}, "sha512-x"],\n'));
    const findings = await inlineFindings({ dependencies: { '@pulumi/aws': '^0.10.0' } }, read);
    assert.deepEqual(
      findings.map((finding) => [finding.line, finding.column]),
      [[12, 21]],
    );
    assert.match(findings[0]!.message, /pins "@pulumi\/aws" at 0\.9\.4, outside package\.json's range "\^0\.10\.0"; run bun install/);
  });

  it('reports a file that is no bun lockfile', async () => {
    await assertUnreadable(readBunLockfile, { path: '/p/bun.lock', text: '# yarn lockfile v1\n' }, /not valid JSON/, 1);
    await assertUnreadable(readBunLockfile, { path: '/p/bun.lock', text: '{"packages": {}}' }, /no lockfileVersion, so it is no bun lockfile/);
  });

  for (const { title, text, message } of HOSTILE_TEXTS)
    it(`reports a ${title} file as a finding, never a throw`, async () => {
      await assertUnreadable(readBunLockfile, { path: '/p/bun.lock', text }, message);
    });
});

describe('bun.lockb', () => {
  // Made by bun 1.4.5 (saveTextLockfile = false) against the test registry.
  it('is read through bun: its entries are checked, every finding on the file', async (t) => {
    usePath(t, pathWithManager('bun'));
    const elsewhere = await lockfileFindings('bun-binary');
    assert.deepEqual(
      elsewhere.map((finding) => [finding.package, finding.line, finding.column, finding.severity]),
      [
        ['@pulumi/aws', 1, 1, 'error'],
        ['@pulumi/aws', 1, 1, 'error'],
        ['@pulumi/random', 1, 1, 'error'],
      ],
    );
    assert.deepEqual(await lockfileFindings('bun-binary', currentOptions(BINARY_REGISTRY)), []);
    const lockfile = await readable(readBunLockfile, { path: join(POLICY_FIXTURES, 'bun-binary', 'bun.lockb'), text: '' });
    assert.equal(installedFor(lockfile, 'packages/app', '@pulumi/aws', '0.9.0')?.version, '0.9.0');
    assert.equal(installedFor(lockfile, '', '@pulumi/random')?.version, '4.16.0');
  });

  it('is read a character per byte, so that the cache key tells any two apart', async () => {
    const dir = join(POLICY_FIXTURES, 'bun-binary');
    const bytes = await readFile(join(dir, 'bun.lockb'));
    assert.equal(readCacheKeyFiles(dir, join(dir, 'bun.lockb'))?.lockfile?.text, bytes.toString('latin1'));
    const text = fixtureFile('bun-text', 'bun.lock');
    assert.equal(readCacheKeyFiles(join(POLICY_FIXTURES, 'bun-text'), text.path)?.lockfile?.text, text.text);
  });

  it('without bun on the PATH, says in a notice that the rule skipped it, and why', async (t) => {
    const empty = await mkdtemp(join(tmpdir(), 'no-bun-'));
    t.after(() => rm(empty, { recursive: true, force: true }));
    usePath(t, empty);
    assert.deepEqual(await lockfileFindings('bun-binary'), [
      { rule: 'lockfile-registry', severity: 'notice', file: 'bun-binary/bun.lockb', line: 1, column: 1 },
    ]);
    const read = await readBunLockfile({ path: join(POLICY_FIXTURES, 'bun-binary', 'bun.lockb'), text: '' });
    assert.ok('skipped' in read);
    assert.match(read.skipped.message, /only bun can read, and bun is not on the PATH: lockfile-registry did not check it/);
  });

  it("that bun cannot read is a finding naming bun's error", async (t) => {
    usePath(t, pathWithManager('bun'));
    const dir = await mkdtemp(join(tmpdir(), 'bad-lockb-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'bun.lockb');
    await writeFile(path, 'not a lockfile');
    await assertUnreadable(
      readBunLockfile,
      { path, text: '' },
      /bun\.lockb cannot be read: bun could not print it \(error parsing lockfile: InvalidLockfile\)/,
      1,
    );
  });
});
