/** The check of a cache archive's entries before a restore writes any of them. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink as makeSymlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { gzipSync } from 'node:zlib';
import { pack, type Headers } from 'tar-stream';
import { refusedArchiveEntry } from '../src/cache/archive-check.js';
import { ArchiveEntryCheck, type ArchiveEntry } from '../src/cache/archive-entries.js';
import { savedTrees } from '../src/cache/paths.js';

const WORKSPACE = '/home/runner/work/repo/repo';
// What cachePaths gives for the programs infra and '.', with pulumi and @pulumi/pulumi linked.
const LINKED = ['!node_modules/@pulumi', 'node_modules/@pulumi/*', '!node_modules/@pulumi/pulumi', '!node_modules/pulumi'];
const SAVED = savedTrees(['infra/node_modules/*', 'node_modules/*', ...LINKED]);

function verdict(entries: ArchiveEntry[]): string | undefined {
  const check = new ArchiveEntryCheck(SAVED, WORKSPACE);
  for (const entry of entries) {
    const refused = check.add(entry);
    if (refused) return `${refused.name}: ${refused.reason}`;
  }
  const refused = check.finish();
  return refused && `${refused.name}: ${refused.reason}`;
}

const file = (name: string): ArchiveEntry => ({ name, type: 'file' });
const symlink = (name: string, linkname: string): ArchiveEntry => ({ name, type: 'symlink', linkname });

test('savedTrees: the node_modules folders, minus the linked packages, a split scope taken back', () => {
  assert.deepEqual(SAVED, { roots: ['infra/node_modules', 'node_modules'], excluded: ['node_modules/@pulumi/pulumi', 'node_modules/pulumi'] });
});

test("accepts npm's tree: files, folders, bins, links to workspace members and file: folders, hard links inside", () => {
  assert.equal(
    verdict([
      { name: 'node_modules/dep/', type: 'directory' },
      file('node_modules/dep/index.js'),
      file('./node_modules/.package-lock.json'),
      file('node_modules/@pulumi/aws/index.js'),
      symlink('node_modules/.bin/cli', '../dep/bin/cli.js'),
      symlink('node_modules/app', '../stacks/app'),
      symlink('infra/node_modules/lib', '../../libs/lib'),
      symlink('node_modules/self', '.'),
      symlink('node_modules/abs', `${WORKSPACE}/libs/lib`),
      { name: 'infra/node_modules/dep/copy.js', type: 'link', linkname: 'node_modules/dep/index.js' },
    ]),
    undefined,
  );
});

test('refuses, naming the entry, what the save could not have taken', () => {
  const cases: [ArchiveEntry[], string][] = [
    [[file('../x')], '../x: a path with a ".." component'],
    [[file('node_modules/../.npmrc')], 'node_modules/../.npmrc: a path with a ".." component'],
    [[file('/home/runner/.bashrc')], '/home/runner/.bashrc: an absolute path'],
    [[file('C:/Users/runner/.bashrc')], 'C:/Users/runner/.bashrc: an absolute path'],
    [[file('.npmrc')], '.npmrc: outside the node_modules trees the action saves'],
    [[file('package.json')], 'package.json: outside the node_modules trees the action saves'],
    [[file('node_modules')], 'node_modules: outside the node_modules trees the action saves'],
    [[file('other/node_modules/x')], 'other/node_modules/x: outside the node_modules trees the action saves'],
    [[file('node_modules/pulumi/index.js')], 'node_modules/pulumi/index.js: outside the node_modules trees the action saves'],
    [[symlink('node_modules/out', '/home/runner')], 'node_modules/out: a symbolic link to "/home/runner", outside the workspace'],
    [[symlink('node_modules/out', '../../x')], 'node_modules/out: a symbolic link to "../../x", outside the workspace'],
    [[symlink('node_modules/out', 'a/../../..')], 'node_modules/out: a symbolic link to "a/../../..", which climbs after descending'],
    [[symlink('node_modules/up', '..'), file('node_modules/up/.npmrc')], 'node_modules/up/.npmrc: written through the symbolic link node_modules/up'],
    [[file('node_modules/up/.npmrc'), symlink('node_modules/up', '..')], 'node_modules/up/.npmrc: written through the symbolic link node_modules/up'],
    [
      [symlink('node_modules/up', '..'), { name: 'node_modules/hl', type: 'link', linkname: 'node_modules/up/package.json' }],
      'node_modules/hl: written through the symbolic link node_modules/up',
    ],
    [[{ name: 'node_modules/hl', type: 'link', linkname: '/home/runner/.bashrc' }], 'node_modules/hl: a hard link to a file outside the node_modules trees'],
    [[{ name: 'node_modules/hl', type: 'link', linkname: 'package.json' }], 'node_modules/hl: a hard link to a file outside the node_modules trees'],
    [[{ name: 'node_modules/dev', type: 'character-device' }], 'node_modules/dev: an entry of type character-device, not a file, folder or symbolic link'],
    [[{ name: 'node_modules/fifo', type: 'fifo' }], 'node_modules/fifo: an entry of type fifo, not a file, folder or symbolic link'],
  ];
  for (const [entries, expected] of cases) assert.equal(verdict(entries), expected, JSON.stringify(entries));
});

async function archive(t: TestContext, entries: (Headers & { content?: string })[], compress: (tar: Buffer) => Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cache-archive-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const packer = pack();
  const chunks: Buffer[] = [];
  packer.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise((resolve) => packer.on('end', resolve));
  for (const { content, ...header } of entries) packer.entry(header, content);
  packer.finalize();
  await done;
  const path = join(dir, 'cache.archive');
  await writeFile(path, compress(Buffer.concat(chunks)));
  return path;
}

const zstd = (tar: Buffer) => execFileSync('zstd', ['-q', '-c', '--long=30'], { input: tar });

test('reads a zstd and a gzip archive to the end, and stops at the first refused entry', async (t) => {
  const good = [
    { name: 'node_modules/dep/index.js', content: 'module.exports = 1;\n' },
    { name: 'node_modules/.bin/dep', type: 'symlink' as const, linkname: '../dep/index.js' },
  ];
  assert.equal(await refusedArchiveEntry(await archive(t, good, zstd), 'zstd', SAVED, WORKSPACE), undefined);
  assert.equal(await refusedArchiveEntry(await archive(t, good, gzipSync), 'gzip', SAVED, WORKSPACE), undefined);
  const bad = [...good, { name: '../x', content: 'owned' }, { name: 'node_modules/later.js', content: 'x'.repeat(1 << 20) }];
  assert.deepEqual(await refusedArchiveEntry(await archive(t, bad, zstd), 'zstd', SAVED, WORKSPACE), { name: '../x', reason: 'a path with a ".." component' });
});

/** An archive GNU tar writes of a small node_modules, with its `--pax-option`. */
async function gnuArchive(t: TestContext, paxOption: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cache-archive-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'tree/node_modules/dep'), { recursive: true });
  await writeFile(join(dir, 'tree/node_modules/dep/index.js'), '1');
  const path = join(dir, 'cache.tgz');
  execFileSync('tar', ['--posix', '--mtime=@0', `--pax-option=${paxOption}`, '-czf', path, '-C', join(dir, 'tree'), 'node_modules']);
  return path;
}

test('refuses pax records another tar could read differently: an unknown keyword, a global header', async (t) => {
  const local = await gnuArchive(t, 'comment:=hi');
  assert.deepEqual(await refusedArchiveEntry(local, 'gzip', SAVED, WORKSPACE), { name: 'node_modules/', reason: 'a pax header with the keyword comment' });
  // Entries without pax records of their own: only the global header is left to see.
  const global = await gnuArchive(t, 'comment=hi,delete=atime,delete=ctime,delete=mtime');
  const refused = await refusedArchiveEntry(global, 'gzip', SAVED, WORKSPACE);
  assert.deepEqual(refused, { name: '(global pax header)', reason: 'a header that renames the entries after it' });
});

test('refuses an entry tar would write through a symbolic link the checkout already holds in node_modules', async (t) => {
  const workspace = await mkdtemp(join(tmpdir(), 'cache-archive-ws-'));
  t.after(() => rm(workspace, { recursive: true, force: true }));
  const entries = [{ name: 'node_modules/dep/index.js', content: 'module.exports = 1;\n' }];
  const path = await archive(t, entries, gzipSync);
  await mkdir(join(workspace, 'node_modules/dep'), { recursive: true });
  assert.equal(await refusedArchiveEntry(path, 'gzip', SAVED, workspace), undefined, 'a real folder is fine');
  await rm(join(workspace, 'node_modules/dep'), { recursive: true });
  await makeSymlink(tmpdir(), join(workspace, 'node_modules/dep'));
  assert.deepEqual(await refusedArchiveEntry(path, 'gzip', SAVED, workspace), {
    name: 'node_modules/dep/index.js',
    reason: 'written through the symbolic link node_modules/dep, which is on disk before the restore',
  });
});

test('an archive that is not one says what its decompressor said', async (t) => {
  const entries = [
    { name: 'node_modules/a.js', content: 'a' },
    { name: 'node_modules/b.bin', content: randomBytes(100_000).toString('latin1') },
  ];
  const broken = await archive(t, entries, (tar) => zstd(tar).subarray(0, 50_000));
  await assert.rejects(refusedArchiveEntry(broken, 'zstd', SAVED, WORKSPACE), /^Error: the archive is not a readable tar archive \(zstd: .+\)$/);
});
