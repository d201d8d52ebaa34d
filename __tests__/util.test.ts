import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { readBytesIfExists, readPackageManifest, readTextIfExists, readTextIfExistsSync } from '../src/util/files.js';
import { logLine, markdownCode, markdownText, redactUrlCredentials } from '../src/util/log-text.js';
import { withCwd } from '../src/util/scoped-cwd.js';
import { plural, relativePosix, toPosix } from '../src/util/text.js';
import { readStdoutLines } from './support/runner.js';

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

describe('util/log-text', () => {
  it('redacts URL credentials as npm does, and leaves other URLs alone', () => {
    assert.equal(
      redactUrlCredentials('GET https://user:pa%3Ass@host.example/x.tgz and git+ssh://git@github.com/a/b, http://t0ken@h/'),
      'GET https://user:***@host.example/x.tgz and git+ssh://***@github.com/a/b, http://***@h/',
    );
    assert.equal(redactUrlCredentials('https://registry.example/@pulumi/aws a@b.c'), 'https://registry.example/@pulumi/aws a@b.c');
  });

  it('keeps data from starting a line of its own, so the runner carries out no command from it', () => {
    const lines = ['name\n::error title=x::injected', '::set-output name=a::b', '  ::warning::x', 'a\r\n::add-mask::x', 'https://u:p@h/'].map(logLine);
    assert.deepEqual(
      readStdoutLines(`${lines.join('\n')}\n`).filter((line) => line.command),
      [],
    );
    assert.equal(lines[0], 'name⏎::error title=x::injected');
    assert.equal(lines[4], 'https://u:***@h/');
  });

  it('escapes markdown and HTML in summary text, and fences inline code longer than any backtick run in it', () => {
    assert.equal(markdownText('<img src=x> *a* | b\n[c](d)'), '\\<img src=x\\> \\*a\\* \\| b \\[c\\]\\(d\\)');
    assert.equal(markdownCode('a`b|c'), '``a`b\\|c``');
    assert.equal(markdownCode('`x'), '`` `x ``');
  });
});

describe('util/scoped-cwd', () => {
  it('gives the work its folder as process.cwd(), while work beside it and the process keep the real one', async () => {
    const real = process.cwd();
    const folder = join(tmpdir(), 'scoped-cwd-folder');
    const seen: string[] = [];
    const work = withCwd(folder, async () => {
      seen.push(process.cwd());
      await sleep(20);
      seen.push(resolve('x'));
      return 'done';
    });
    await sleep(10);
    const beside = process.cwd();
    assert.equal(await work, 'done');
    assert.deepEqual(seen, [folder, join(folder, 'x')]);
    assert.equal(beside, real, 'work outside the scope sees the real folder');
    assert.equal(process.cwd(), real);
  });
});
