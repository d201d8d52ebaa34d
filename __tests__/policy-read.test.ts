import assert from 'node:assert/strict';
import { mkdir, symlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, it, type TestContext } from 'node:test';
import { ActionError } from '../src/util/errors.js';
import { checkProgram } from '../src/policy/index.js';
import { DEFAULT_PRESET, presetConfig } from '../src/policy/presets.js';
import { readPolicyFile, readProgram } from '../src/program-files/read.js';
import { checkedInput } from '../src/action/steps/policy.js';
import { POLICY_FIXTURES, policyOptions, temporaryTree } from './support/policy.js';

const MANIFEST = JSON.stringify({ dependencies: { '@pulumi/aws': '^0.10.0' }, peerDependencies: { pulumi: 'latest' } });
const config = presetConfig(DEFAULT_PRESET);

describe('readProgram', () => {
  it('reads the sources, leaving out node_modules, hidden folders, the build output, nested packages and .gitignore', async (t) => {
    const root = await temporaryTree(t, {
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.gitignore': 'generated/\n*.log\n',
      'infra/package.json': MANIFEST,
      'infra/tsconfig.json': '{ /* comment */ "compilerOptions": { "outDir": "./out", }, }',
      'infra/index.ts': 'import "@pulumi/aws";',
      'infra/src/a.mts': '',
      'infra/src/b.cts': '',
      'infra/src/c.tsx': '',
      'infra/src/d.mjs': '',
      'infra/src/e.cjs': '',
      'infra/src/f.js': '',
      'infra/src/readme.md': '',
      'infra/src/data.json': '',
      'infra/out/index.js': 'require("@pulumi/gcp")',
      'infra/generated/client.ts': 'import "@pulumi/gcp";',
      'infra/node_modules/x/index.js': '',
      'infra/.cache/tool.js': '',
      'infra/functions/package.json': '{ "dependencies": { "left-pad": "^1.0.0" } }',
      // A package.json that installs nothing (a Pulumi entry point's `main`): its files load the program's packages.
      'infra/stack/package.json': '{ "main": "index.ts" }',
      'infra/stack/index.ts': '',
      'infra/functions/handler.js': 'require("@pulumi/gcp")',
      'infra/scripts/.gitignore': 'local.ts\n!keep.ts\n',
      'infra/scripts/local.ts': '',
      'infra/scripts/keep.ts': '',
      'infra/Pulumi.yaml': 'name: infra\n',
      'infra/Pulumi.dev.yaml': 'config: {}\n',
      'infra/package-lock.json': '{"lockfileVersion": 3, "packages": {}}',
    });
    await mkdir(join(root, 'elsewhere'));
    await symlink(join(root, 'elsewhere'), join(root, 'infra/linked'), 'dir');
    const program = await readProgram(join(root, 'infra'), config);
    const names = (files: { path: string }[]) => files.map((file) => relative(join(root, 'infra'), file.path));
    assert.deepEqual(names(program.sources), [
      'index.ts',
      'scripts/keep.ts',
      'src/a.mts',
      'src/b.cts',
      'src/c.tsx',
      'src/d.mjs',
      'src/e.cjs',
      'src/f.js',
      'stack/index.ts',
    ]);
    assert.deepEqual(names(program.stackConfigs ?? []), ['Pulumi.dev.yaml', 'Pulumi.yaml']);
    assert.equal(program.lockfile && 'lockfile' in program.lockfile && program.lockfile.lockfile.file, join(root, 'infra/package-lock.json'));
    assert.equal(program.workspaces, undefined);
  });

  it('leaves out the paths the policy ignores', async (t) => {
    const root = await temporaryTree(t, { 'package.json': MANIFEST, 'index.ts': '', 'legacy/old.ts': '', 'src/x.generated.ts': '', 'src/y.ts': '' });
    const program = await readProgram(root, { ...config, ignorePaths: ['legacy/', '*.generated.ts'] });
    assert.deepEqual(
      program.sources.map((file) => relative(root, file.path)),
      ['index.ts', 'src/y.ts'],
    );
  });

  it('reads each workspace of a workspace root as a program of its own', async () => {
    const program = await readProgram(join(POLICY_FIXTURES, 'workspaces'), config);
    assert.deepEqual(program.sources, []);
    assert.deepEqual(
      program.workspaces?.map((member) => [relative(program.dir, member.dir), member.sources.map((file) => relative(member.dir, file.path))]),
      [
        ['packages/api', ['index.ts']],
        ['packages/web', ['index.ts']],
      ],
    );
  });

  it('keeps of a checked program only its folder, package.json and lockfile, letting the sources go', async () => {
    const program = await readProgram(join(POLICY_FIXTURES, 'workspaces'), config);
    assert.ok(program.workspaces?.length && program.lockfile);
    const kept = checkedInput(program);
    assert.deepEqual(Object.keys(kept).sort(), ['dir', 'lockfile', 'packageJson']);
    assert.equal(kept.dir, program.dir);
    assert.equal(kept.packageJson, program.packageJson);
    assert.equal(kept.lockfile, program.lockfile);
  });

  it('reads no .gitignore above the workspace, even when a repository holds the workspace', async (t) => {
    const root = await temporaryTree(t, {
      '.git/HEAD': '',
      '.gitignore': 'checkout/\n',
      'checkout/.gitignore': 'skip.ts\n',
      'checkout/package.json': MANIFEST,
      'checkout/index.ts': '',
      'checkout/skip.ts': '',
    });
    const workspace = join(root, 'checkout');
    const program = await readProgram(workspace, config, { workspace });
    assert.deepEqual(
      program.sources.map((file) => relative(workspace, file.path)),
      ['index.ts'],
    );
  });

  describe('files git tracks', () => {
    const git = (cwd: string, ...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.test', '-c', 'commit.gpgsign=false', ...args], {
        cwd,
        stdio: 'ignore',
        env: { PATH: process.env['PATH'], GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
      });
    /** A repository whose .gitignore (local-*) matches a committed folder, beside an untracked one. */
    async function repository(t: TestContext): Promise<string> {
      const root = await temporaryTree(t, {
        '.gitignore': 'local-*\n',
        'package.json': MANIFEST,
        'index.ts': '',
        'local-docker/index.ts': 'import "@pulumi/docker";',
        'local-docker/scratch.ts': '',
        'local-scratch/notes.ts': '',
        'vendor/lib.ts': '',
      });
      git(root, 'init', '-q');
      git(root, 'add', '.gitignore', 'package.json', 'index.ts', 'vendor/lib.ts');
      git(root, 'add', '-f', 'local-docker/index.ts');
      git(root, 'commit', '-q', '-m', 'program');
      return root;
    }
    const names = (root: string, files: { path: string }[]) => files.map((file) => relative(root, file.path));

    it("are never ignored by a .gitignore pattern; the untracked files beside them and the policy's own paths still are", async (t) => {
      const root = await repository(t);
      const notices: unknown[] = [];
      const program = await readProgram(root, { ...config, ignorePaths: ['vendor/'] }, { workspace: root, notice: (message) => notices.push(message) });
      assert.deepEqual(names(root, program.sources), ['index.ts', 'local-docker/index.ts']);
      assert.deepEqual(notices, []);
    });

    it('without git, applies .gitignore to every file and says so', async (t) => {
      const root = await repository(t);
      const path = process.env['PATH'];
      process.env['PATH'] = join(root, 'no-git-here');
      t.after(() => {
        process.env['PATH'] = path;
      });
      const notices: string[] = [];
      const program = await readProgram(root, config, { workspace: root, notice: (message) => notices.push(message) });
      assert.deepEqual(names(root, program.sources), ['index.ts', 'vendor/lib.ts']);
      assert.deepEqual(notices, [
        'git could not list the files it tracks in the repository root (.) (ENOENT): the .gitignore patterns were applied to every file, tracked or not. ' +
          'Install git, or mark the repository safe (git config --global --add safe.directory).',
      ]);
    });
  });

  it('leaves out a .gitignore line the ignore library cannot use, with a notice on it', async (t) => {
    const root = await temporaryTree(t, { '.gitignore': `skip.ts\n${'a'.repeat(40_000)}\n`, 'package.json': MANIFEST, 'index.ts': '', 'skip.ts': '' });
    const notices: unknown[] = [];
    const program = await readProgram(root, config, { workspace: root, notice: (message, where) => notices.push({ message, ...where }) });
    assert.deepEqual(
      program.sources.map((file) => relative(root, file.path)),
      ['index.ts'],
    );
    assert.deepEqual(notices, [
      {
        message: 'Line 2 of this .gitignore (40000 characters) is not a pattern the source scan can use: it was left out.',
        file: join(root, '.gitignore'),
        line: 2,
      },
    ]);
  });

  it('names an "ignore.paths" pattern the ignore library cannot use, shortened', async (t) => {
    const root = await temporaryTree(t, { 'package.json': MANIFEST, 'index.ts': '' });
    await assert.rejects(readProgram(root, { ...config, ignorePaths: ['b'.repeat(5000)] }), (error: unknown) => {
      assert.ok(error instanceof ActionError);
      assert.equal(
        error.message,
        `"ignore.paths" in the policy file holds "${'b'.repeat(80)}…" (5000 characters), which is not a usable path pattern: fix or remove it.`,
      );
      return true;
    });
  });

  it('keeps workspaces inside the program and at most 500 of them, saying what was cut', async (t) => {
    const members = Object.fromEntries(Array.from({ length: 502 }, (_, i) => [`packages/p${String(i).padStart(3, '0')}/package.json`, '{}']));
    const root = await temporaryTree(t, { 'package.json': '{\n  "workspaces": ["packages/*", "../*", "/**"]\n}\n', ...members });
    const notices: unknown[] = [];
    const program = await readProgram(root, config, { workspace: root, notice: (message, where) => notices.push({ message, ...where }) });
    assert.equal(program.workspaces?.length, 500);
    assert.equal(relative(root, program.workspaces!.at(-1)!.dir), 'packages/p499');
    assert.deepEqual(notices, [
      { message: 'The workspaces "../*", "/**" leave the program\'s folder: they were not read.', file: join(root, 'package.json'), line: 2 },
      { message: 'The workspaces patterns match 502 folders: only the first 500 were checked.', file: join(root, 'package.json'), line: 2 },
    ]);
  });

  it("reads a pnpm workspace's members from pnpm-workspace.yaml, its ! patterns left out, and says where", async (t) => {
    const root = await temporaryTree(t, {
      'package.json': '{ "name": "mono", "workspaces": ["ignored/*"] }',
      'pnpm-workspace.yaml': "# pnpm's own list\npackages:\n  - 'stacks/*'\n  - '!stacks/scratch'\n  - '../outside'\n",
      'stacks/a/package.json': '{}',
      'stacks/b/package.json': '{}',
      'stacks/scratch/package.json': '{}',
      'ignored/c/package.json': '{}',
    });
    const notices: unknown[] = [];
    const program = await readProgram(root, config, { workspace: root, notice: (message, where) => notices.push({ message, ...where }) });
    assert.deepEqual(
      program.workspaces?.map((member) => relative(root, member.dir)),
      ['stacks/a', 'stacks/b'],
    );
    assert.deepEqual(notices, [
      { message: 'The workspaces "../outside" leave the program\'s folder: they were not read.', file: join(root, 'pnpm-workspace.yaml'), line: 2 },
    ]);
  });

  it('leaves sources above 1 MiB out of the scan, naming them in one notice', async (t) => {
    const root = await temporaryTree(t, { 'package.json': MANIFEST, 'index.ts': '', 'dist/bundle.js': 'x'.repeat(1024 * 1024 + 1) });
    const notices: string[] = [];
    const program = await readProgram(root, config, { notice: (message) => notices.push(message) });
    assert.deepEqual(
      program.sources.map((file) => relative(root, file.path)),
      ['index.ts'],
    );
    assert.match(notices.join('\n'), /^Left out of the source scan 1 file larger than 1 MiB .*: dist\/bundle\.js\. /);
  });

  it('reads a malformed package.json as text, for the check to report', async (t) => {
    const root = await temporaryTree(t, { 'package.json': '{ "dependencies": { ', 'index.ts': '' });
    const report = await checkProgram(await readProgram(root, config), policyOptions());
    assert.deepEqual(
      report.findings.map((f) => [f.rule, f.line, f.column]),
      [['package-json', 1, 21]],
    );
  });

  it('throws an ActionError naming the folder when package.json is missing', async () => {
    const dir = join(POLICY_FIXTURES, 'no-package-json');
    await assert.rejects(readProgram(dir, config), (error: unknown) => {
      assert.ok(error instanceof ActionError);
      assert.match(
        error.message,
        /^No package\.json in "__tests__\/fixtures\/policy\/no-package-json" \(relative to the current folder\): set working-directory/,
      );
      return true;
    });
  });

  it('reads a policy file, and gives undefined when there is none', async () => {
    const path = join(POLICY_FIXTURES, 'policy-files', 'valid.yml');
    const file = await readPolicyFile(path);
    assert.equal(file?.path, path);
    assert.match(file!.text, /^# A policy for a team/);
    assert.equal(await readPolicyFile(join(POLICY_FIXTURES, 'policy-files', 'missing.yml')), undefined);
  });
});
