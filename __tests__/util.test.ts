import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readBytesIfExists, readPackageManifest, readTextIfExists, readTextIfExistsSync } from '../src/util/files.js';
import { plural, relativePosix, toPosix } from '../src/util/text.js';

describe('util/files', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'util-files-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file that exists, and gives undefined for one that does not', async () => {
    await writeFile(join(dir, 'a.txt'), 'hello');
    assert.equal(await readTextIfExists(join(dir, 'a.txt')), 'hello');
    assert.deepEqual(await readBytesIfExists(join(dir, 'a.txt')), Buffer.from('hello'));
    assert.equal(readTextIfExistsSync(join(dir, 'a.txt')), 'hello');
    assert.equal(await readTextIfExists(join(dir, 'missing.txt')), undefined);
    assert.equal(readTextIfExistsSync(join(dir, 'missing', 'deeper.txt')), undefined);
  });

  it('throws for a path that exists but cannot be read as a file', async () => {
    await mkdir(join(dir, 'folder'), { recursive: true });
    await assert.rejects(readTextIfExists(join(dir, 'folder')), { code: 'EISDIR' });
    assert.throws(() => readTextIfExistsSync(join(dir, 'folder')), { code: 'EISDIR' });
  });

  it('reads a package.json, keeping only string names and versions', async () => {
    await mkdir(join(dir, 'pkg'), { recursive: true });
    await writeFile(join(dir, 'pkg', 'package.json'), JSON.stringify({ name: 'x', version: 3, bin: 'cli.js' }));
    assert.deepEqual(await readPackageManifest(join(dir, 'pkg')), { name: 'x', version: undefined, bin: 'cli.js' });
    await writeFile(join(dir, 'pkg', 'package.json'), '[1]');
    assert.equal(await readPackageManifest(join(dir, 'pkg')), undefined);
    await writeFile(join(dir, 'pkg', 'package.json'), '{ broken');
    assert.equal(await readPackageManifest(join(dir, 'pkg')), undefined);
    assert.equal(await readPackageManifest(join(dir, 'nothing')), undefined);
  });
});

describe('util/text', () => {
  it('pluralises', () => {
    assert.equal(plural(0, 'error'), '0 errors');
    assert.equal(plural(1, 'error'), '1 error');
    assert.equal(plural(2, 'violation'), '2 violations');
    assert.equal(plural(3, 'entry', 'entries'), '3 entries');
  });

  it('shows paths with forward slashes', () => {
    assert.equal(toPosix('a/b'), 'a/b');
    assert.equal(relativePosix('/w', '/w/infra/app'), 'infra/app');
    assert.equal(relativePosix('/w', '/w'), '');
  });
});
