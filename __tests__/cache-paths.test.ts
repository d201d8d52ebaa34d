import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { ArchiveEntryCheck, type ArchiveEntry } from '../src/cache/archive-entries.js';
import { cachePaths, nodeModulesDirs, savedTrees } from '../src/cache/paths.js';
import { planNodeModulesCache, type CachedInstall } from '../src/cache/plan.js';
import { ActionError } from '../src/util/errors.js';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cache-paths-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test("lists each program's node_modules children minus the links, splitting a scope only for its linked packages", async (t) => {
  const workspace = await tempDir(t);
  await mkdir(join(workspace, 'infra'));
  assert.deepEqual(await cachePaths(workspace, ['infra', '.', './infra'], ['pulumi', '@pulumi/pulumi', 'pulumi']), [
    'node_modules/*',
    '!node_modules/@pulumi',
    'node_modules/@pulumi/*',
    '!node_modules/@pulumi/pulumi',
    '!node_modules/pulumi',
    'infra/node_modules/*',
    '!infra/node_modules/@pulumi',
    'infra/node_modules/@pulumi/*',
    '!infra/node_modules/@pulumi/pulumi',
    '!infra/node_modules/pulumi',
  ]);
});

test('escapes glob characters in a directory name, and nodeModulesDirs gives the directories back', async (t) => {
  const workspace = await tempDir(t);
  for (const dir of ['[app]', 'what?', '!bang']) await mkdir(join(workspace, dir));
  const paths = await cachePaths(workspace, ['[app]', 'what?', '!bang'], []);
  assert.deepEqual(paths, ['./!bang/node_modules/*', '[[]app]/node_modules/*', 'what[?]/node_modules/*']);
  assert.deepEqual(nodeModulesDirs(paths), ['!bang/node_modules', '[app]/node_modules', 'what?/node_modules']);
});

test('refuses a program outside the workspace, a missing one, and a link that is not a package name', async (t) => {
  const root = await tempDir(t);
  const workspace = join(root, 'workspace');
  await mkdir(join(root, 'elsewhere'), { recursive: true });
  await mkdir(workspace);
  await symlink(join(root, 'elsewhere'), join(workspace, 'escape'));
  const refusal = (pattern: RegExp) => (error: unknown) => error instanceof ActionError && pattern.test(error.message);
  await assert.rejects(cachePaths(workspace, ['../elsewhere'], []), refusal(/"\.\.\/elsewhere" is outside the workspace/));
  await assert.rejects(cachePaths(workspace, ['escape'], []), refusal(/"escape" is outside the workspace/));
  await assert.rejects(cachePaths(workspace, ['missing'], []), refusal(/"missing" does not exist/));
  await assert.rejects(cachePaths(workspace, ['.'], ['../../etc']), refusal(/"\.\.\/\.\.\/etc" is not a package name/));
  await assert.rejects(cachePaths(workspace, ['.'], ['*']), refusal(/"\*" is not a package name/));
});

describe('a workspace root and its members', () => {
  /** A checkout of an npm workspace: root, two members; the same files wherever it is made. */
  async function checkout(t: TestContext): Promise<{ workspace: string; install: CachedInstall }> {
    const workspace = await tempDir(t);
    const files: Record<string, string> = {
      'package.json': '{"name":"mono","workspaces":["packages/*"]}',
      'package-lock.json': '{"lockfileVersion":3}',
      'packages/a/package.json': '{"name":"a","dependencies":{"@pulumi/aws":"^0.9.0"}}',
      'packages/b/package.json': '{"name":"b","dependencies":{"@pulumi/aws":"^0.10.0"}}',
    };
    for (const [file, text] of Object.entries(files)) {
      await mkdir(dirname(join(workspace, file)), { recursive: true });
      await writeFile(join(workspace, file), text);
    }
    const member = (dir: string) => ({ dir: join(workspace, dir), packageJson: { text: files[`${dir}/package.json`]! } });
    const install: CachedInstall = {
      dir: workspace,
      packageJson: { text: files['package.json']! },
      lockfile: { path: join(workspace, 'package-lock.json'), text: files['package-lock.json']! },
      manager: { name: 'npm', version: '10.9.0' },
      members: [member('packages/a'), member('packages/b')],
    };
    return { workspace, install };
  }
  const plan = (workspace: string, installs: CachedInstall[]) =>
    planNodeModulesCache({
      workspace,
      installs,
      prefix: '',
      installCommand: '',
      registryUrl: 'https://registry.npmjs.org/',
      links: ['pulumi'],
      nodeVersion: 'v24.1.0',
    });

  test("caches the root's and every member's node_modules; a fresh checkout plans the same paths and key", async (t) => {
    const first = await checkout(t);
    const saved = await plan(first.workspace, [first.install]);
    assert.deepEqual(nodeModulesDirs(saved.paths), ['node_modules', 'packages/a/node_modules', 'packages/b/node_modules']);
    assert.ok(saved.paths.includes('!packages/a/node_modules/pulumi'), 'the links are left out everywhere');
    const fresh = await checkout(t);
    assert.deepEqual(await plan(fresh.workspace, [fresh.install]), saved);
  });

  test("the key follows each member's package.json, in any order", async (t) => {
    const { workspace, install } = await checkout(t);
    const original = (await plan(workspace, [install])).primaryKey;
    const changedMember = { ...install.members[1]!, packageJson: { text: '{"name":"b","dependencies":{"@pulumi/aws":"^0.10.1"}}' } };
    assert.notEqual((await plan(workspace, [{ ...install, members: [install.members[0]!, changedMember] }])).primaryKey, original);
    assert.notEqual((await plan(workspace, [{ ...install, members: [install.members[0]!] }])).primaryKey, original);
    // The members' order does not matter.
    assert.equal((await plan(workspace, [{ ...install, members: [...install.members].reverse() }])).primaryKey, original);
  });

  test("the restore's archive check accepts every member's tree: npm's nested packages, pnpm's links into the root", async (t) => {
    const { workspace, install } = await checkout(t);
    const saved = savedTrees((await plan(workspace, [install])).paths);
    const check = new ArchiveEntryCheck(saved, workspace);
    const entries: ArchiveEntry[] = [
      { name: 'node_modules/a', type: 'symlink', linkname: '../packages/a' },
      { name: 'node_modules/@pulumi/aws/package.json', type: 'file' },
      { name: 'packages/a/node_modules/@pulumi/aws/package.json', type: 'file' },
      { name: 'node_modules/.pnpm/@pulumi+aws@0.10.1/node_modules/@pulumi/aws/index.js', type: 'file' },
      { name: 'packages/b/node_modules/@pulumi/aws', type: 'symlink', linkname: '../../../../node_modules/.pnpm/@pulumi+aws@0.10.1/node_modules/@pulumi/aws' },
    ];
    for (const entry of entries) assert.equal(check.add(entry), undefined, entry.name);
    assert.equal(check.finish(), undefined);
    // What no member's node_modules holds is still refused.
    assert.match(check.add({ name: 'packages/a/index.js', type: 'file' })?.reason ?? '', /outside the node_modules trees/);
  });
});
