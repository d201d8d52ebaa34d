import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { cachePaths, nodeModulesDirs } from '../src/cache/paths.js';
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
