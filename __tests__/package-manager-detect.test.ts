import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { choosePackageManager } from '../src/package-managers/detect.js';

let root: string;

/** Writes files (path → text) under a fresh folder of `root`; returns it. */
async function tree(name: string, files: Record<string, string>): Promise<string> {
  const dir = path.join(root, name);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  return dir;
}

const pulumiYaml = (runtime: string) => `name: infra\n${runtime}\ndescription: x\n`;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'detect-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("choosePackageManager: Pulumi's order, with corepack's field", () => {
  it('runtime: bun (scalar or name) comes first, and names its line', async () => {
    const dir = await tree('bun-runtime', { 'Pulumi.yaml': pulumiYaml('runtime: bun'), 'package-lock.json': '{}', 'package.json': '{}' });
    const choice = await choosePackageManager(dir, dir, 'auto');
    assert.deepEqual([choice.name, choice.source, choice.line], ['bun', 'runtime', 2]);
    assert.match(choice.warning!.message, /sets the runtime to bun, but the lockfile present is package-lock\.json \(npm's\)/);
    const named = await tree('bun-named', { 'Pulumi.yaml': pulumiYaml('runtime:\n  name: bun'), 'package.json': '{}' });
    assert.deepEqual([(await choosePackageManager(named, named, 'auto')).name, (await choosePackageManager(named, named, 'auto')).warning], ['bun', undefined]);
  });

  it("runtime.options.packagemanager, on the option's line and column", async () => {
    const dir = await tree('option', {
      'Pulumi.yaml': pulumiYaml('runtime:\n  name: nodejs\n  options:\n    packagemanager: pnpm'),
      'package.json': '{ "packageManager": "yarn@4.1.0" }',
      'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
    });
    const choice = await choosePackageManager(dir, dir, 'auto');
    assert.deepEqual([choice.name, choice.source, choice.line, choice.warning], ['pnpm', 'packagemanager', 5, undefined]);
    assert.equal(choice.lockfile, path.join(dir, 'pnpm-lock.yaml'));
  });

  it("package.json's packageManager, the program's own or the nearest ancestor's, with its version", async () => {
    const repo = await tree('corepack', {
      'package.json': '{\n  "name": "mono",\n  "packageManager": "pnpm@10.2.0+sha512.abc"\n}\n',
      'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
      'infra/Pulumi.yaml': pulumiYaml('runtime: nodejs'),
      'infra/package.json': '{ "name": "infra" }',
    });
    const choice = await choosePackageManager(path.join(repo, 'infra'), repo, 'auto');
    assert.deepEqual([choice.name, choice.source, choice.version, choice.line], ['pnpm', 'packageManager', '10.2.0', 3]);
    assert.equal(choice.file, path.join(repo, 'package.json'));
    assert.equal(choice.lockfile, path.join(repo, 'pnpm-lock.yaml'), "the workspace root's lockfile");
    for (const hostile of ['pnpm@../../evil', 'pnpm@https://evil.example/pnpm.tgz', 'pnpm@latest']) {
      const dir = await tree(`version-${hostile.length}`, { 'package.json': JSON.stringify({ packageManager: hostile }) });
      const named = await choosePackageManager(dir, dir, 'auto');
      assert.deepEqual([named.name, named.version], ['pnpm', undefined], `${hostile}: only an exact version is installed`);
    }
  });

  it('a declaration the lockfile contradicts is a package-manager warning naming both, on the declaring line', async () => {
    const dir = await tree('contradicted', { 'package.json': '{\n  "packageManager": "yarn@1.22.22"\n}\n', 'package-lock.json': '{}' });
    const choice = await choosePackageManager(dir, dir, 'auto');
    assert.equal(choice.name, 'yarn');
    const warning = choice.warning!;
    assert.deepEqual([warning.rule, warning.severity, warning.line, warning.column], ['package-manager', 'warning', 2, 21]);
    assert.match(
      warning.message,
      /"packageManager": "yarn@1\.22\.22", but the lockfile present is package-lock\.json \(npm's\): the action installs with yarn/,
    );
  });

  it("the lockfile in the program folder, else the nearest ancestor, in Pulumi's order", async () => {
    for (const [file, name] of [
      ['pnpm-lock.yaml', 'pnpm'],
      ['yarn.lock', 'yarn'],
      ['bun.lock', 'bun'],
      ['bun.lockb', 'bun'],
      ['package-lock.json', 'npm'],
    ] as const) {
      const dir = await tree(`lock-${file}`, { [file]: 'x', 'package.json': '{}' });
      const choice = await choosePackageManager(dir, dir, 'auto');
      assert.deepEqual([choice.name, choice.source, choice.lockfile], [name, 'lockfile', path.join(dir, file)], file);
    }
    const both = await tree('both', { 'yarn.lock': '', 'package-lock.json': '{}', 'package.json': '{}' });
    assert.equal((await choosePackageManager(both, both, 'auto')).name, 'yarn', 'yarn.lock before package-lock.json, as Pulumi looks');
    const nested = await tree('nested', { 'bun.lock': '{}', 'package.json': '{ "workspaces": ["stacks/*"] }', 'stacks/a/package.json': '{}' });
    assert.equal((await choosePackageManager(path.join(nested, 'stacks/a'), nested, 'auto')).name, 'bun', "the workspace root's lockfile");
    // A repository's root lockfile of its own tooling (no workspaces) does not install a program below it.
    const tooling = await tree('tooling', { 'package-lock.json': '{}', 'package.json': '{ "devDependencies": {} }', 'infra/package.json': '{}' });
    assert.deepEqual(await choosePackageManager(path.join(tooling, 'infra'), tooling, 'auto'), { name: 'npm', source: 'default' });
    const pnpmRoot = await tree('pnpm-root', {
      'pnpm-workspace.yaml': 'packages: [infra]\n',
      'pnpm-lock.yaml': '',
      'package.json': '{}',
      'infra/package.json': '{}',
    });
    assert.equal((await choosePackageManager(path.join(pnpmRoot, 'infra'), pnpmRoot, 'auto')).name, 'pnpm');
    assert.equal(
      (await choosePackageManager(path.join(nested, 'stacks/a'), path.join(nested, 'stacks/a'), 'auto')).source,
      'default',
      'never above the workspace',
    );
  });

  it("the declared manager's own lockfile comes first: bun's yarn.lock copy (print = yarn) beside bun.lock is no contradiction", async () => {
    const dir = await tree('bun-print-yarn', {
      'package.json': '{ "packageManager": "bun@1.4.5" }',
      'bun.lock': '{}',
      'yarn.lock': '',
      'bunfig.toml': '[install.lockfile]\nprint = "yarn"\n',
    });
    const choice = await choosePackageManager(dir, dir, 'auto');
    assert.deepEqual([choice.name, choice.lockfile, choice.warning], ['bun', path.join(dir, 'bun.lock'), undefined]);
  });

  it('npm by default; the input outranks everything, with a warning where the program declares another', async () => {
    const bare = await tree('bare', { 'package.json': '{}' });
    assert.deepEqual(await choosePackageManager(bare, bare, 'auto'), { name: 'npm', source: 'default' });
    const declared = await tree('declared', {
      'Pulumi.yaml': pulumiYaml('runtime:\n  name: nodejs\n  options:\n    packagemanager: yarn'),
      'package.json': '{}',
    });
    const choice = await choosePackageManager(declared, declared, 'npm');
    assert.deepEqual([choice.name, choice.source], ['npm', 'input']);
    assert.match(choice.warning!.message, /packagemanager to yarn, but input "package-manager" is npm/);
    assert.equal((await choosePackageManager(bare, bare, 'pnpm')).warning, undefined);
  });

  it('hostile files are no declaration: invalid YAML, a packageManager that is not a string, an unknown manager', async () => {
    const dir = await tree('hostile', {
      'Pulumi.yaml': 'runtime: [unclosed\n',
      'package.json': '{ "packageManager": { "name": "pnpm" } }',
    });
    assert.equal((await choosePackageManager(dir, dir, 'auto')).source, 'default');
    const unknown = await tree('unknown', {
      'package.json': '{ "packageManager": "deno@2.0.0" }',
      'Pulumi.yaml': pulumiYaml('runtime:\n  name: nodejs\n  options:\n    packagemanager: pip'),
    });
    assert.equal((await choosePackageManager(unknown, unknown, 'auto')).source, 'default');
  });
});
