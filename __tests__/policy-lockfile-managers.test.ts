import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../src/cli/run.js';
import { POLICY_FIXTURES } from './support/policy.js';

describe('setup-pulumi-npm check, with the lockfile of each manager', () => {
  it("reads each program's lockfile by its manager and reports the tampered entry on its line", async () => {
    let out = '';
    // An npm program first: the registry the check compares with is the first program's manager's.
    const programs = ['migrated', 'pnpm-v9', 'pnpm-v6', 'yarn-v1', 'yarn-berry', 'bun-text'];
    const code = await runCli(['check', ...programs], { cwd: POLICY_FIXTURES, out: (text) => (out += text), err: () => {}, colour: false });
    assert.equal(code, 1);
    // The default preset routes the scope to npmjs.pulumi.com: yarn 1's registry.yarnpkg.com URLs are elsewhere too.
    const lines = out.split('\n').filter((line) => line.includes('lockfile-registry'));
    assert.deepEqual(
      lines.map((line) => line.split(/ {2}/)[0]),
      [
        'pnpm-v9/pnpm-lock.yaml:43:135',
        'pnpm-v6/pnpm-lock.yaml:45:135',
        'yarn-v1/yarn.lock:7:12',
        'yarn-v1/yarn.lock:12:12',
        'yarn-v1/yarn.lock:17:12',
        'yarn-berry/yarn.lock:24:15',
        'bun-text/bun.lock:28:49',
      ],
    );
    assert.match(lines[0]!, /resolves "@pulumi\/random" from https:\/\/evil\.example\.com\/.*then run pnpm install and commit the updated pnpm-lock\.yaml\.$/);
  });
});
