/** isInstalledTreeCurrent against trees written by a real `npm install` (local file: packages, no registry). */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { describeMismatch } from '../src/package-managers/npm/lockfile-compare.js';
import { isInstalledTreeCurrent } from '../src/package-managers/npm/verify-tree.js';

const run = promisify(execFile);

/** A package.json or lockfile as the tests edit it: nested maps of strings. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- free-form JSON edits in fixtures
type Json = Record<string, any>;
describe('isInstalledTreeCurrent', () => {
  let root: string;
  let program: string;
  let copies = 0;
  const npm = (cwd: string, ...args: string[]) =>
    run('npm', [...args, '--offline', '--no-audit', '--no-fund'], {
      cwd,
      timeout: 120_000,
      env: { ...process.env, npm_config_prefix: join(root, 'global'), npm_config_cache: join(root, 'npm-cache'), npm_config_update_notifier: 'false' },
    });
  const write = async (path: string, content: unknown) => {
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  };
  /** A copy of the installed program next to it, so its relative file: symlinks still resolve. */
  const copyOfProgram = async () => {
    const copy = join(root, `program-copy-${++copies}`);
    await cp(program, copy, { recursive: true, verbatimSymlinks: true });
    return copy;
  };
  const editJson = async (path: string, edit: (json: Json) => void) => {
    const json = JSON.parse(await readFile(path, 'utf8')) as Json;
    edit(json);
    await writeFile(path, JSON.stringify(json, null, 2));
  };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'cache-verify-'));
    program = join(root, 'program');
    await write(join(root, 'dep-a/package.json'), { name: 'dep-a', version: '1.0.0', bin: { 'dep-a': 'cli.js' } });
    await write(join(root, 'dep-a/cli.js'), '#!/usr/bin/env node\n');
    await write(join(root, 'dep-b/package.json'), { name: 'dep-b', version: '2.0.0' });
    await npm(join(root, 'dep-b'), 'pack', '--pack-destination', root);
    await write(join(root, 'dep-c/package.json'), { name: 'dep-c', version: '3.0.0' });
    await write(join(root, 'pulumi/package.json'), { name: 'pulumi', version: '0.9.9' });
    await write(join(program, 'package.json'), {
      name: 'program',
      version: '1.0.0',
      dependencies: { 'dep-a': 'file:../dep-a', 'dep-b': 'file:../dep-b-2.0.0.tgz' },
      devDependencies: { 'dep-c': 'file:../dep-c' },
    });
    await npm(program, 'install');
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('a tree npm has just installed is current', async () => {
    assert.deepEqual(await isInstalledTreeCurrent(program), { current: true });
  });

  test('linked packages are left out: the linked tree and the restored tree without the link are current', async () => {
    const linked = await copyOfProgram();
    await npm(join(root, 'pulumi'), 'link');
    await npm(linked, 'link', 'pulumi');
    assert.deepEqual(await isInstalledTreeCurrent(linked, ['pulumi']), { current: true });
    const notLeftOut = await isInstalledTreeCurrent(linked);
    assert.equal(notLeftOut.current, false);
    assert.match(notLeftOut.reason ?? '', /is installed but not in package-lock\.json/);
    // The archive holds no links: a restored tree has npm's record of the link, but not the link.
    await unlink(join(linked, 'node_modules/pulumi'));
    assert.deepEqual(await isInstalledTreeCurrent(linked, ['pulumi']), { current: true });
  });

  const tampered: [string, (dir: string) => Promise<void>, RegExp][] = [
    [
      'the lockfile wants another version',
      (dir) =>
        editJson(join(dir, 'package-lock.json'), (lock) => {
          lock.packages['node_modules/dep-b'].version = '2.0.1';
        }),
      /^node_modules\/dep-b has version 2\.0\.0, package-lock\.json wants 2\.0\.1$/,
    ],
    [
      'a recorded package folder is missing',
      (dir) => rm(join(dir, 'node_modules/dep-b'), { recursive: true }),
      /^node_modules\/dep-b is recorded as installed but is missing$/,
    ],
    ["npm's record of the tree is missing", (dir) => rm(join(dir, 'node_modules/.package-lock.json')), /^node_modules\/\.package-lock\.json is missing$/],
    [
      'package.json gained a dependency the lockfile lacks',
      (dir) =>
        editJson(join(dir, 'package.json'), (manifest) => {
          manifest.dependencies['dep-d'] = '^1.0.0';
        }),
      /^package\.json and package-lock\.json list different dependencies$/,
    ],
    ['the lockfile is not JSON', (dir) => writeFile(join(dir, 'package-lock.json'), '{ broken'), /^package-lock\.json is not valid JSON$/],
    [
      'the tree holds a package the lockfile does not',
      (dir) =>
        editJson(join(dir, 'node_modules/.package-lock.json'), (installed) => {
          installed.packages['node_modules/extra'] = { version: '1.0.0' };
        }),
      /^node_modules\/extra is installed but not in package-lock\.json$/,
    ],
    [
      'the lockfile lists a package that is not installed',
      (dir) =>
        editJson(join(dir, 'package-lock.json'), (lock) => {
          lock.packages['node_modules/missing'] = { version: '1.0.0' };
        }),
      /^node_modules\/missing is in package-lock\.json but not installed$/,
    ],
  ];
  for (const [name, tamper, reason] of tampered) {
    test(`not current when ${name}`, async () => {
      const copy = await copyOfProgram();
      assert.deepEqual(await isInstalledTreeCurrent(copy), { current: true });
      await tamper(copy);
      const verdict = await isInstalledTreeCurrent(copy);
      assert.equal(verdict.current, false);
      assert.match(verdict.reason ?? '', reason);
    });
  }
});

describe('isInstalledTreeCurrent, npm workspaces', () => {
  test("a package npm nested in a member's own node_modules must be there", async (t) => {
    const root = await mkdtemp(join(tmpdir(), 'cache-verify-workspace-'));
    t.after(() => rm(root, { recursive: true, force: true }));
    const npm = (cwd: string, ...args: string[]) =>
      run('npm', [...args, '--offline', '--no-audit', '--no-fund'], {
        cwd,
        timeout: 120_000,
        env: { ...process.env, npm_config_cache: join(root, 'npm-cache'), npm_config_update_notifier: 'false' },
      });
    const write = async (path: string, content: unknown) => {
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, JSON.stringify(content, null, 2));
    };
    // Two members on two majors of one package: one of them cannot share the root's copy.
    for (const version of ['1.0.0', '2.0.0']) {
      await write(join(root, `shared-${version}/package.json`), { name: 'shared', version });
      await npm(join(root, `shared-${version}`), 'pack', '--pack-destination', root);
    }
    const workspace = join(root, 'workspace');
    await write(join(workspace, 'package.json'), { name: 'mono', private: true, workspaces: ['packages/*'] });
    await write(join(workspace, 'packages/a/package.json'), { name: 'a', dependencies: { shared: 'file:../../../shared-1.0.0.tgz' } });
    await write(join(workspace, 'packages/b/package.json'), { name: 'b', dependencies: { shared: 'file:../../../shared-2.0.0.tgz' } });
    await npm(workspace, 'install');
    assert.deepEqual(await isInstalledTreeCurrent(workspace), { current: true });
    const nested = ['a', 'b'].map((member) => `packages/${member}/node_modules/shared`);
    const present = [];
    for (const folder of nested) if (await readFile(join(workspace, folder, 'package.json')).catch(() => undefined)) present.push(folder);
    assert.equal(present.length, 1, 'npm nested one copy in a member');
    await rm(join(workspace, present[0]!), { recursive: true });
    assert.deepEqual(await isInstalledTreeCurrent(workspace), { current: false, reason: `${present[0]} is recorded as installed but is missing` });
  });
});

describe('describeMismatch', () => {
  const lockfile = (packages: Record<string, unknown>) => ({ lockfileVersion: 3, packages: { '': { dependencies: { a: '^1.0.0' } }, ...packages } });

  test('an optional package npm skipped (another platform) is not a mismatch; a required one is', () => {
    const installed = { lockfileVersion: 3, packages: { 'node_modules/a': { version: '1.0.0' } } };
    const manifest = { dependencies: { a: '^1.0.0' } };
    assert.equal(
      describeMismatch(manifest, lockfile({ 'node_modules/a': { version: '1.0.0' }, 'node_modules/b': { version: '1.0.0', optional: true } }), installed, []),
      undefined,
    );
    assert.equal(
      describeMismatch(manifest, lockfile({ 'node_modules/a': { version: '1.0.0' }, 'node_modules/b': { version: '1.0.0' } }), installed, []),
      'node_modules/b is in package-lock.json but not installed',
    );
  });

  test('a lockfile without a packages map (lockfileVersion 1) is never current', () => {
    assert.match(describeMismatch({}, { lockfileVersion: 1, dependencies: {} }, { packages: {} }, []) ?? '', /lockfileVersion 1/);
  });
});
