import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';

/** Stands for a Pulumi access token; it must never reach a cache archive. */
export const FAKE_TOKEN = 'pul-fixture-0123456789abcdef0123456789abcdef';

/** The packages the fixture links from its global prefix, as `npm link` would. */
export const FIXTURE_LINKS = ['@pulumi/pulumi', 'pulumi'];

export interface CacheWorkspace {
  root: string;
  workspace: string;
  runnerTemp: string;
  globalPrefix: string;
}

/**
 * A workspace whose programs have an installed-looking node_modules: files of several modes and random bytes,
 * relative symlinks, an empty folder, a scoped package, a `.npmrc` holding a token next to it, and packages linked
 * from a global prefix outside the workspace. Removed after the test.
 */
export async function makeCacheWorkspace(t: TestContext, programDirs: string[] = ['.']): Promise<CacheWorkspace> {
  const root = await mkdtemp(join(tmpdir(), 'cache-ws-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const fixture = { root, workspace: join(root, 'workspace'), runnerTemp: join(root, 'runner-temp'), globalPrefix: join(root, 'global') };
  await mkdir(fixture.runnerTemp, { recursive: true });
  for (const link of FIXTURE_LINKS) await put(join(fixture.globalPrefix, 'lib/node_modules', link, 'package.json'), `{"name":"${link}"}`);
  for (const dir of programDirs) await makeProgram(join(fixture.workspace, dir), fixture.globalPrefix);
  return fixture;
}

async function makeProgram(dir: string, globalPrefix: string): Promise<void> {
  await put(join(dir, 'package.json'), '{"name":"fixture","version":"1.0.0"}');
  await put(join(dir, '.npmrc'), `//npmjs.pulumi.com/:_authToken=${FAKE_TOKEN}\n`);
  const modules = join(dir, 'node_modules');
  await put(join(modules, '.package-lock.json'), '{"name":"fixture","lockfileVersion":3,"packages":{}}');
  await put(join(modules, 'dep/index.js'), 'module.exports = 42;\n');
  await put(join(modules, 'dep/bin/cli.js'), '#!/usr/bin/env node\nconsole.log(42);\n', 0o755);
  await put(join(modules, 'dep/data.bin'), randomBytes(4096), 0o600);
  await mkdir(join(modules, 'dep/empty'), { mode: 0o700 });
  await put(join(modules, '@pulumi/aws/index.js'), 'exports.aws = true;\n');
  await mkdir(join(modules, '.bin'));
  await symlink('../dep/bin/cli.js', join(modules, '.bin/cli'));
  for (const link of FIXTURE_LINKS) await symlink(join(globalPrefix, 'lib/node_modules', link), join(modules, link));
}

async function put(path: string, content: string | Buffer, mode = 0o644): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
  await chmod(path, mode);
}

/** A number of random bytes big enough to push the archive past a size threshold (random data does not compress). */
export async function addIncompressibleFile(programDir: string, bytes: number): Promise<void> {
  await put(join(programDir, 'node_modules/dep/large.bin'), randomBytes(bytes));
}
