import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../src/package-managers/command.js';
import { managerNamed } from '../src/package-managers/index.js';
import { readyManagers } from '../src/action/steps/managers.js';
import type { Settings } from '../src/action/settings.js';
import type { ManagerChoice } from '../src/package-managers/detect.js';
import { readyManager } from '../src/package-managers/tool-setup.js';
import { ActionError } from '../src/util/errors.js';
import { isolatedNpmEnv } from './support/fixtures.js';
import { machinePath } from './support/process.js';
import { useRegistry, type TestRegistry } from './support/servers.js';

/** A stand-in for a manager's package on the test registry: a bin that prints its version, as the real one does. */
const fakeManager = (name: string, command: string, version: string) => ({
  name,
  version,
  bin: { [command]: `bin/${command}.js` },
  files: {
    [`bin/${command}.js`]: `#!/usr/bin/env node\nconsole.log(${JSON.stringify(version)});\n`,
  },
});
const fakePnpm = (version: string) => fakeManager('pnpm', 'pnpm', version);

const registry: TestRegistry = await useRegistry({
  packages: [fakePnpm('9.15.0'), fakePnpm('10.2.0'), fakeManager('@yarnpkg/cli-dist', 'yarn', '4.18.1')],
});

describe('readyManager: a manager the runner lacks is installed with npm into the tool cache', () => {
  let home: string;
  before(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'tool-setup-'));
  });
  after(async () => {
    await rm(home, { recursive: true, force: true });
  });

  const context = () => ({
    run: runCommand,
    // A PATH with node and npm and no pnpm: the machine's, without node_modules/.bin.
    env: isolatedNpmEnv(home, { npm_config_registry: registry.url }),
    registryUrl: registry.url,
  });

  /** The real yarn 1 in a bin folder, and a program whose .yarnrc.yml `yarnPath` (a committed yarn 4 release) it runs. */
  async function yarnOneAndYarnPathProgram(): Promise<{ yarnOne: string; program: string }> {
    const yarnOne = path.join(home, 'yarn-one-bin');
    const program = path.join(home, 'infra');
    if (!existsSync(yarnOne)) {
      await mkdir(yarnOne);
      await symlink(fileURLToPath(new URL('../node_modules/yarn/bin/yarn.js', import.meta.url)), path.join(yarnOne, 'yarn'));
      await mkdir(path.join(program, '.yarn/releases'), { recursive: true });
      await writeFile(path.join(program, '.yarn/releases/yarn-4.18.1.cjs'), 'console.log("4.18.1");\n');
      await writeFile(path.join(program, '.yarnrc.yml'), 'yarnPath: .yarn/releases/yarn-4.18.1.cjs\n');
    }
    return { yarnOne, program };
  }

  it('installs the version asked for, else the current major, and says so', async () => {
    const pnpm = managerNamed('pnpm');
    const toolCache = path.join(home, 'tool-cache');
    const ready = await readyManager(pnpm, { version: '9.15.0', major: 9 }, context(), toolCache, home);
    assert.equal(ready.version, '9.15.0');
    assert.ok(ready.installedBin && existsSync(path.join(ready.installedBin, 'pnpm')));
    assert.match(ready.note!, /pnpm is not on the PATH: installed pnpm@9\.15\.0 with npm into .*tool-cache/);
    const major = await readyManager(pnpm, { major: 10 }, context(), toolCache, home);
    assert.equal(major.version, '10.2.0', 'the current major when nothing names a version');
  });

  it('a version that cannot be had is an error naming the setup step to add', async () => {
    await assert.rejects(
      readyManager(managerNamed('pnpm'), { version: '7.0.0', major: 7 }, context(), path.join(home, 'other-cache'), home),
      (error: unknown) =>
        error instanceof ActionError &&
        /pnpm is not on the PATH, and "npm install pnpm@7\.0\.0" into the tool cache failed .*pnpm\/action-setup/.test(error.message),
    );
  });

  it('a manager on the PATH of another line than the program requires is not used: yarn 1 in a yarn 4 program', async () => {
    // The runner image's yarn 1, which refuses to install a program whose packageManager field names yarn 4.
    const imageBin = path.join(home, 'image-bin');
    await mkdir(imageBin);
    await writeFile(path.join(imageBin, 'yarn'), '#!/bin/sh\necho 1.22.22\n', { mode: 0o755 });
    const onImage = { ...context(), env: { ...context().env, PATH: `${imageBin}${path.delimiter}${machinePath()}` } };
    const yarn = managerNamed('yarn');
    const wanted = { version: '4.18.1', major: 4, requiredBy: '"packageManager": "yarn@4.18.1"' };
    const ready = await readyManager(yarn, wanted, onImage, path.join(home, 'yarn-tool-cache'), home);
    assert.equal(ready.version, '4.18.1');
    assert.ok(ready.installedBin && existsSync(path.join(ready.installedBin, 'yarn')));
    assert.match(
      ready.note!,
      /^yarn 1\.22\.22 on the PATH cannot install a program that needs yarn 4\.18\.1 \("packageManager": "yarn@4\.18\.1"\): installed @yarnpkg\/cli-dist@4\.18\.1 with npm into /,
    );
    // Nothing requires a line (no packageManager field, no lockfile): the runner's yarn is the program's.
    const unrequired = await readyManager(yarn, { major: 4 }, onImage, path.join(home, 'unused'), home);
    assert.deepEqual(unrequired, { version: '1.22.22' });
    assert.equal(existsSync(path.join(home, 'unused')), false);
  });

  it("the runner's yarn 1 that hands a yarn 4 program to its yarnPath is used: asked in the program's folder", async () => {
    const { yarnOne, program } = await yarnOneAndYarnPathProgram();
    const runner = { ...context(), env: { ...context().env, PATH: `${yarnOne}${path.delimiter}${machinePath()}` } };
    const wanted = { version: '4.18.1', major: 4, requiredBy: '"packageManager": "yarn@4.18.1"' };
    const ready = await readyManager(managerNamed('yarn'), wanted, runner, path.join(home, 'unused'), program);
    assert.deepEqual(ready, { version: '4.18.1' });
    assert.equal(existsSync(path.join(home, 'unused')), false, 'nothing installed');
  });

  it("readyManagers asks in the requiring program's folder, and keeps the PATH's yarn for programs of two lines", async () => {
    const { yarnOne, program } = await yarnOneAndYarnPathProgram();
    const legacy = path.join(home, 'legacy');
    await mkdir(legacy);
    await writeFile(path.join(legacy, 'yarn.lock'), '# yarn lockfile v1\n');
    const env = { ...context().env, PATH: `${yarnOne}${path.delimiter}${machinePath()}`, RUNNER_TOOL_CACHE: path.join(home, 'unused') };
    const settings = (dirs: string[]) => ({ workspace: home, runnerTemp: home, workingDirectories: dirs.map((dir) => ({ path: dir })) }) as unknown as Settings;
    const yarnFour: ManagerChoice = { name: 'yarn', source: 'packageManager', version: '4.18.1' };
    const yarnOneLock: ManagerChoice = { name: 'yarn', source: 'lockfile', lockfile: path.join(legacy, 'yarn.lock') };
    const contextIn = () => ({ ...context(), env });
    // The yarn 4 program's yarnPath answers in its folder (the repository's root would get yarn 1's answer).
    const alone = await readyManagers(settings([program]), [yarnFour], env, contextIn);
    assert.deepEqual([alone.versions.get('yarn'), alone.addedPaths], ['4.18.1', []]);
    // A yarn 1 program beside it: no line is forced on both, the PATH's yarn stays.
    const mixed = await readyManagers(settings([legacy, program]), [yarnOneLock, yarnFour], env, contextIn);
    assert.deepEqual([mixed.versions.get('yarn'), mixed.addedPaths], ['1.22.22', []]);
    assert.equal(existsSync(path.join(home, 'unused')), false, 'nothing installed');
  });

  it('a manager on the PATH is used as it is', async () => {
    const npm = await readyManager(managerNamed('npm'), { major: 11 }, context(), path.join(home, 'unused'), home);
    assert.match(npm.version, /^\d+\.\d+\.\d+$/);
    assert.equal(npm.installedBin, undefined);
    assert.equal(existsSync(path.join(home, 'unused')), false);
  });
});
