import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { environmentWithoutToken, HANDOFF_VARIABLE, tokenFromEnvironment } from '../src/token/handoff.js';
import { node24 } from './support/node24.js';

const run = promisify(execFile);
const probe = fileURLToPath(new URL('./fixtures/handoff/probe.ts', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));

describe('token-handoff', () => {
  it('reads the token from the input first, then from PULUMI_ACCESS_TOKEN', () => {
    assert.deepEqual(tokenFromEnvironment({ 'INPUT_PULUMI-ACCESS-TOKEN': ' a ', PULUMI_ACCESS_TOKEN: 'b' }), { value: 'a', source: 'input' });
    assert.deepEqual(tokenFromEnvironment({ 'INPUT_PULUMI-ACCESS-TOKEN': '', PULUMI_ACCESS_TOKEN: 'b' }), { value: 'b', source: 'environment' });
    assert.deepEqual(tokenFromEnvironment({}), { value: '', source: 'none' });
  });

  it('drops both token variables and any variable holding the token, and keeps the rest', () => {
    const env = { PATH: '/bin', 'INPUT_PULUMI-ACCESS-TOKEN': 't', PULUMI_ACCESS_TOKEN: 'other', ALIAS: ' t ', [HANDOFF_VARIABLE]: '/s', INPUT_LINK: 'pulumi' };
    assert.deepEqual(environmentWithoutToken(env, 't'), { PATH: '/bin', INPUT_LINK: 'pulumi' });
  });

  for (const [given, variable] of [
    ['as the input', 'INPUT_PULUMI-ACCESS-TOKEN'],
    ['only in the step environment', 'PULUMI_ACCESS_TOKEN'],
  ] as const) {
    it(`replaces the process (same pid) with one no other process can read the token from, given ${given}`, { timeout: 60_000 }, async () => {
      const token = `pul-${randomBytes(20).toString('hex')}`;
      const before = new Set(readdirSync(tmpdir()));
      const { stdout } = await run(node24(), ['--import', 'tsx', probe], {
        cwd: root,
        timeout: 50_000,
        env: { PATH: process.env['PATH'], TMPDIR: tmpdir(), [variable]: token, ALSO_THE_TOKEN: token, KEPT: 'yes' },
      });
      const [first, report] = stdout.trim().split('\n');
      const seen = JSON.parse(report!) as { pid: number; token: string; source: string; exposed: string[]; env: string[] };
      assert.equal(first, `first ${seen.pid}`, 'the new image keeps the pid the runner waits for');
      assert.equal(seen.token, token);
      assert.equal(seen.source, variable === 'PULUMI_ACCESS_TOKEN' ? 'environment' : 'input');
      assert.deepEqual(seen.exposed, [], 'no process environment or command line holds the token');
      assert.ok(seen.env.includes('KEPT') && !seen.env.includes(variable) && !seen.env.includes('ALSO_THE_TOKEN'));
      assert.ok(!seen.env.includes(HANDOFF_VARIABLE), 'the hand-off variable is consumed');
      const left = readdirSync(tmpdir()).filter((name) => !before.has(name) && name.startsWith('setup-pulumi-npm-handoff-'));
      assert.deepEqual(left, [], 'the keeper removes its socket folder');
    });
  }

  it('fails with one clear line when the keeper is gone', { timeout: 60_000 }, async () => {
    const missing = join(tmpdir(), `setup-pulumi-npm-handoff-missing-${process.pid}`, 's');
    assert.ok(!existsSync(missing));
    await assert.rejects(
      run(node24(), ['--import', 'tsx', probe], { cwd: root, timeout: 50_000, env: { PATH: process.env['PATH'], [HANDOFF_VARIABLE]: missing } }),
      (error: { stderr: string }) => {
        assert.match(error.stderr, /Could not collect the Pulumi access token after restarting without it \(connect ENOENT/);
        return true;
      },
    );
  });
});
