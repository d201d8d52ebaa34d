import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { runPost } from '../src/post.js';
import { captureOutput } from './support/output.js';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'post-'));
after(() => fs.rmSync(temp, { recursive: true, force: true }));
afterEach(() => {
  delete process.env['STATE_configDir'];
});

function folder(name: string): string {
  const dir = path.join(temp, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, '.npmrc'), '@pulumi:registry=https://npmjs.pulumi.com/\n');
  return dir;
}

describe('runPost', () => {
  it('removes the config folder main saved in the state', async (t) => {
    captureOutput(t);
    const dir = folder('setup-pulumi-npm-abc');
    process.env['STATE_configDir'] = dir;
    await runPost({ RUNNER_TEMP: temp });
    assert.equal(fs.existsSync(dir), false);
  });

  it('never removes a folder the action did not create, whatever the state says', async (t) => {
    captureOutput(t);
    const elsewhere = folder('user-data');
    process.env['STATE_configDir'] = elsewhere;
    await runPost({ RUNNER_TEMP: temp });
    assert.equal(fs.existsSync(elsewhere), true);
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'setup-pulumi-npm-outside-'));
    process.env['STATE_configDir'] = outside;
    await runPost({ RUNNER_TEMP: temp });
    assert.equal(fs.existsSync(outside), true, 'a setup-pulumi-npm folder outside RUNNER_TEMP stays');
    fs.rmSync(outside, { recursive: true });
  });

  it('does nothing when main wrote no config', async (t) => {
    captureOutput(t);
    await runPost({ RUNNER_TEMP: temp });
    assert.equal(fs.existsSync(path.join(temp, 'user-data')), true);
  });
});
