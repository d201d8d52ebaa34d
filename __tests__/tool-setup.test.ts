import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCommand } from '../src/package-managers/command.js';
import { managerNamed } from '../src/package-managers/index.js';
import { readyManager } from '../src/package-managers/tool-setup.js';
import { ActionError } from '../src/util/errors.js';
import { isolatedNpmEnv } from './support/fixtures.js';
import { useRegistry, type TestRegistry } from './support/servers.js';

/** A stand-in for pnpm on the test registry: a bin named pnpm that prints its version, as the real one does. */
const fakePnpm = (version: string) => ({
  name: 'pnpm',
  version,
  bin: { pnpm: 'bin/pnpm.js' },
  files: {
    'bin/pnpm.js': `#!/usr/bin/env node\nconsole.log(${JSON.stringify(version)});\n`,
  },
});

const registry: TestRegistry = await useRegistry({ packages: [fakePnpm('9.15.0'), fakePnpm('10.2.0')] });

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

  it('a manager on the PATH is used as it is', async () => {
    const npm = await readyManager(managerNamed('npm'), { major: 11 }, context(), path.join(home, 'unused'), home);
    assert.match(npm.version, /^\d+\.\d+\.\d+$/);
    assert.equal(npm.installedBin, undefined);
    assert.equal(existsSync(path.join(home, 'unused')), false);
  });
});
