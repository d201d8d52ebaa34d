import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { installFiles, installRootsOf, type InstallRoot } from '../src/action/steps/install-roots.js';
import type { ManagerChoice } from '../src/package-managers/detect.js';
import type { ManagerName } from '../src/package-managers/index.js';
import { ActionError } from '../src/util/errors.js';

/** A workspace with the given files (a string is written as is, anything else as JSON). */
function workspaceWith(t: TestContext, files: Record<string, unknown>): string {
  const workspace = mkdtempSync(join(tmpdir(), 'install-roots-'));
  t.after(() => rmSync(workspace, { recursive: true, force: true }));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(workspace, file)), { recursive: true });
    writeFileSync(join(workspace, file), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return workspace;
}

const choices = (...names: ManagerName[]): ManagerChoice[] => names.map((name) => ({ name, source: 'default' }));

/** The roots relative to the workspace, for comparing. */
async function rootsOf(workspace: string, dirs: string[], managers: ManagerName[]): Promise<Omit<InstallRoot, 'lockfile'>[]> {
  const roots = await installRootsOf(
    dirs.map((dir) => join(workspace, dir)),
    choices(...managers),
    workspace,
  );
  const relative = (dir: string) => dir.slice(workspace.length + 1) || '.';
  return roots.map(({ dir, manager, programs, members }) => ({ dir: relative(dir), manager, programs, members: members.map(relative) }));
}

const npmWorkspace = {
  'package.json': { name: 'mono', workspaces: ['packages/*', 'tools/cli'] },
  'package-lock.json': '{}',
  'packages/a/package.json': { name: 'a' },
  'packages/b/package.json': { name: 'b' },
  'packages/c/package.json': { name: 'c' },
  'packages/no-manifest/README.md': 'not a package',
  'tools/cli/package.json': { name: 'cli' },
  'tools/other/package.json': { name: 'other' },
  'lone/package.json': { name: 'lone' },
};

test('the members of an npm workspace share one install at its root, which caches every member it lists', async (t) => {
  const workspace = workspaceWith(t, npmWorkspace);
  assert.deepEqual(await rootsOf(workspace, ['lone', 'packages/b', 'tools/cli', 'packages/a'], ['npm', 'npm', 'npm', 'npm']), [
    { dir: 'lone', manager: 'npm', programs: [0], members: [] },
    { dir: '.', manager: 'npm', programs: [1, 2, 3], members: ['packages/a', 'packages/b', 'packages/c', 'tools/cli'] },
  ]);
});

test('a root listed beside its members installs once; a folder the patterns do not list is its own root', async (t) => {
  const workspace = workspaceWith(t, npmWorkspace);
  assert.deepEqual(await rootsOf(workspace, ['packages/a', '.', 'tools/other'], ['npm', 'npm', 'npm']), [
    { dir: '.', manager: 'npm', programs: [0, 1], members: ['packages/a', 'packages/b', 'packages/c', 'tools/cli'] },
    { dir: 'tools/other', manager: 'npm', programs: [2], members: [] },
  ]);
});

test("yarn's { packages: [...] } form, and a Pulumi project whose package.json is its parent's", async (t) => {
  const workspace = workspaceWith(t, {
    'package.json': { name: 'mono', private: true, workspaces: { packages: ['stacks/*'] } },
    'yarn.lock': '',
    'stacks/web/package.json': { name: 'web' },
    'stacks/web/infra/Pulumi.yaml': 'name: web\nruntime: nodejs\n',
  });
  const roots = await installRootsOf([join(workspace, 'stacks/web/infra')], choices('yarn'), workspace);
  assert.deepEqual(
    roots.map((root) => [root.dir, root.lockfile, root.members]),
    [[workspace, join(workspace, 'yarn.lock'), [join(workspace, 'stacks/web')]]],
  );
});

test('pnpm: the nearest pnpm-workspace.yaml that lists the program; its excluded folders are not members', async (t) => {
  const workspace = workspaceWith(t, {
    'package.json': { name: 'mono' },
    'pnpm-workspace.yaml': 'packages:\n  - "apps/*"\n  - "!apps/legacy"\n',
    'pnpm-lock.yaml': 'lockfileVersion: "9.0"\n',
    'apps/a/package.json': { name: 'a' },
    'apps/legacy/package.json': { name: 'legacy' },
  });
  assert.deepEqual(await rootsOf(workspace, ['apps/a', 'apps/legacy'], ['pnpm', 'pnpm']), [
    { dir: '.', manager: 'pnpm', programs: [0], members: ['apps/a'] },
    { dir: 'apps/legacy', manager: 'pnpm', programs: [1], members: [] },
  ]);
});

test('programs of one root on different managers are an error naming both', async (t) => {
  const workspace = workspaceWith(t, npmWorkspace);
  await assert.rejects(
    installRootsOf([join(workspace, 'packages/a'), join(workspace, 'packages/b')], choices('npm', 'pnpm'), workspace),
    (error) =>
      error instanceof ActionError &&
      /packages\/a and packages\/b are installed together at the repository root \(\.\), but use different package managers \(npm, pnpm\)/.test(error.message),
  );
});

test("the cache key's files: the root's package.json and lockfile, and each member's package.json", async (t) => {
  const workspace = workspaceWith(t, npmWorkspace);
  const [root] = await installRootsOf([join(workspace, 'packages/a')], choices('npm'), workspace);
  const files = installFiles(root!)!;
  assert.equal(files.dir, workspace);
  assert.equal(files.lockfile?.path, join(workspace, 'package-lock.json'));
  assert.deepEqual(
    files.members.map((member) => [member.dir.slice(workspace.length + 1), JSON.parse(member.packageJson.text).name]),
    [
      ['packages/a', 'a'],
      ['packages/b', 'b'],
      ['packages/c', 'c'],
      ['tools/cli', 'cli'],
    ],
  );
});
