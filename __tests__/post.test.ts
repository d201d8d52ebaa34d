import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, afterEach, describe, it, type TestContext } from 'node:test';
import { runPost } from '../src/action/post.js';
import { snapshotUserFiles } from '../src/action/user-files.js';
import { captureOutput } from './support/output.js';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'post-'));
after(() => fs.rmSync(temp, { recursive: true, force: true }));
afterEach(() => {
  for (const name of ['STATE_configDir', 'STATE_snapshotDir', 'STATE_mainSucceeded']) delete process.env[name];
});

function folder(name: string): string {
  const dir = path.join(temp, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, '.npmrc'), '@pulumi:registry=https://npmjs.pulumi.com/\n');
  return dir;
}

/** Runs the post step and returns what it printed (kept out of the test log: workflow commands among it). */
async function post(t: TestContext, env: NodeJS.ProcessEnv): Promise<string> {
  const output = captureOutput(t);
  await runPost(env);
  return output.stdout();
}

describe('runPost', () => {
  it('removes the config folder main saved in the state', async (t) => {
    const dir = folder('setup-pulumi-npm-abc');
    process.env['STATE_configDir'] = dir;
    assert.match(await post(t, { RUNNER_TEMP: temp }), /^Removed the npm config folder /);
    assert.equal(fs.existsSync(dir), false);
  });

  it('never removes a folder the action did not create, whatever the state says', async (t) => {
    const elsewhere = folder('user-data');
    process.env['STATE_configDir'] = elsewhere;
    assert.match(await post(t, { RUNNER_TEMP: temp }), /^::warning::Not removing .*user-data: it is not a setup-pulumi-npm folder/);
    assert.equal(fs.existsSync(elsewhere), true);
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'setup-pulumi-npm-outside-'));
    process.env['STATE_configDir'] = outside;
    await post(t, { RUNNER_TEMP: temp });
    assert.equal(fs.existsSync(outside), true, 'a setup-pulumi-npm folder outside RUNNER_TEMP stays');
    fs.rmSync(outside, { recursive: true });
  });

  it('does nothing, and says so, when main wrote no config', async (t) => {
    // The current folder is not one to remove either: without the check of an empty state, post would look at it.
    assert.equal(await post(t, { RUNNER_TEMP: temp }), `Nothing to clean up: the main step wrote no npm config.${os.EOL}`);
    assert.equal(fs.existsSync(path.join(temp, 'user-data')), true);
  });

  for (const succeeded of [false, true]) {
    const what = succeeded ? 'keeps the files main recorded when main succeeded' : 'puts back the files main recorded when main did not finish';
    it(`${what}, and removes the copies`, async (t) => {
      const workspace = path.join(temp, `workspace-${succeeded}`);
      fs.mkdirSync(workspace);
      fs.writeFileSync(path.join(workspace, 'package-lock.json'), 'committed');
      const snapshot = await snapshotUserFiles([workspace], workspace, temp);
      fs.writeFileSync(path.join(workspace, 'package-lock.json'), 'rewritten');
      process.env['STATE_snapshotDir'] = snapshot.folder;
      if (succeeded) process.env['STATE_mainSucceeded'] = 'true';
      const printed = await post(t, { RUNNER_TEMP: temp, GITHUB_WORKSPACE: workspace });
      assert.equal(fs.readFileSync(path.join(workspace, 'package-lock.json'), 'utf8'), succeeded ? 'rewritten' : 'committed');
      assert.equal(printed.includes('The main step did not finish: put back package-lock.json as it found them.'), !succeeded);
      assert.equal(fs.existsSync(snapshot.folder), false);
    });
  }
});
