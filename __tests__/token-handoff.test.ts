import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { environmentWithoutToken, HANDOFF_VARIABLE, takeTokenInProcess, tokenFromEnvironment } from '../src/token/handoff.js';
import { runCommand } from '../src/package-managers/command.js';
import { withoutRunnerCredentials } from '../src/token/runner-credentials.js';
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

  it('in a host that calls run() (@github/local-action), takes the token out of the environment it is given, without a restart', () => {
    const env: NodeJS.ProcessEnv = { PATH: '/bin', 'INPUT_PULUMI-ACCESS-TOKEN': ' tok ', PULUMI_ACCESS_TOKEN: 'other', COPY: 'tok', INPUT_PRESET: 'current' };
    assert.deepEqual(takeTokenInProcess(env), { value: 'tok', source: 'input' });
    assert.deepEqual(env, { PATH: '/bin', INPUT_PRESET: 'current' });
  });

  it('drops the runner service variables and any variable holding their secrets, and keeps the rest', () => {
    const env = {
      PATH: '/bin',
      ACTIONS_RUNTIME_TOKEN: 'rt',
      ACTIONS_RUNTIME_URL: 'u',
      ACTIONS_RESULTS_URL: 'u',
      ACTIONS_CACHE_URL: 'u',
      ACTIONS_CACHE_SERVICE_V2: 'true',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'u',
      COPY: ' oidc',
      ACTIONS_STEP_DEBUG: 'true',
    };
    assert.deepEqual(withoutRunnerCredentials(env), { PATH: '/bin', ACTIONS_STEP_DEBUG: 'true' });
  });

  it('runs every command without them, whatever environment it is given', async () => {
    const env = {
      PATH: process.env['PATH'],
      ACTIONS_RUNTIME_TOKEN: 'runtime-0123456789',
      ACTIONS_CACHE_URL: 'http://127.0.0.1:9/',
      ALIAS: 'runtime-0123456789',
      KEPT: 'yes',
    };
    const { stdout } = await runCommand('env', [], { cwd: tmpdir(), env, quiet: true });
    assert.match(stdout, /^KEPT=yes$/m);
    assert.doesNotMatch(stdout, /ACTIONS_|runtime-0123456789/);
  });

  /** Runs the probe on Node 24; returns its report and every process environment and command line it could read. */
  async function probeRun(env: Record<string, string>) {
    const dump = join(tmpdir(), `handoff-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      const { stdout } = await run(node24(), ['--import', 'tsx', probe], {
        cwd: root,
        timeout: 50_000,
        env: { PATH: process.env['PATH'], TMPDIR: tmpdir(), PROBE_DUMP: dump, ...env },
      });
      const [first, report] = stdout.trim().split('\n');
      const seen = JSON.parse(report!) as {
        pid: number;
        token: string;
        source: string;
        runner: Record<string, string | undefined>;
        child: string;
        env: string[];
      };
      assert.equal(first, `first ${seen.pid}`, 'the new image keeps the pid the runner waits for');
      return { seen, processes: readFileSync(dump, 'latin1') };
    } finally {
      rmSync(dump, { force: true });
    }
  }

  for (const [given, variable] of [
    ['as the input', 'INPUT_PULUMI-ACCESS-TOKEN'],
    ['only in the step environment', 'PULUMI_ACCESS_TOKEN'],
  ] as const) {
    it(`replaces the process (same pid) with one no other process can read the token from, given ${given}`, { timeout: 60_000 }, async () => {
      const token = `pul-${randomBytes(20).toString('hex')}`;
      const before = new Set(readdirSync(tmpdir()));
      const { seen, processes } = await probeRun({ [variable]: token, ALSO_THE_TOKEN: token, KEPT: 'yes' });
      assert.equal(seen.token, token);
      assert.equal(seen.source, variable === 'PULUMI_ACCESS_TOKEN' ? 'environment' : 'input');
      assert.ok(processes.includes(`/proc/${seen.pid}/environ`), 'the probe read its own environment');
      assert.ok(!processes.includes(token), 'no process environment or command line holds the token');
      assert.ok(seen.env.includes('KEPT') && !seen.env.includes(variable) && !seen.env.includes('ALSO_THE_TOKEN'));
      assert.ok(!seen.env.includes(HANDOFF_VARIABLE), 'the hand-off variable is consumed');
      const left = readdirSync(tmpdir()).filter((name) => !before.has(name) && name.startsWith('setup-pulumi-npm-handoff-'));
      assert.deepEqual(left, [], 'the keeper removes its socket folder');
    });
  }

  it('hands the token over under a temp folder too deep for a socket path, and leaves nothing there', { timeout: 60_000 }, async () => {
    const deep = join(tmpdir(), `handoff-deep-${'x'.repeat(120)}`);
    mkdirSync(deep);
    try {
      const token = `pul-${randomBytes(20).toString('hex')}`;
      const { seen } = await probeRun({ PULUMI_ACCESS_TOKEN: token, TMPDIR: deep });
      assert.equal(seen.token, token);
      assert.deepEqual(
        readdirSync(deep).filter((name) => name.startsWith('setup-pulumi-npm-handoff-')),
        [],
      );
    } finally {
      rmSync(deep, { recursive: true, force: true });
    }
  });

  it("with no token, restarts without the runner credentials and keeps the cache client's for its process.env alone", { timeout: 60_000 }, async () => {
    const secret = (name: string) => `${name}-${randomBytes(16).toString('hex')}`;
    const runtime = secret('runtime');
    const oidc = secret('oidc');
    const results = `http://127.0.0.1:9/${secret('results')}/`;
    const oidcUrl = `http://127.0.0.1:9/${secret('oidc-url')}`;
    const { seen, processes } = await probeRun({
      ACTIONS_RUNTIME_TOKEN: runtime,
      ACTIONS_RESULTS_URL: results,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc,
      ACTIONS_ID_TOKEN_REQUEST_URL: oidcUrl,
      RUNTIME_COPY: runtime,
      KEPT: 'yes',
    });
    assert.equal(seen.token, '');
    assert.ok(processes.includes(`/proc/${seen.pid}/environ`) && processes.includes('KEPT=yes'), 'the probe read its own environment');
    for (const value of [runtime, oidc, results, oidcUrl]) assert.ok(!processes.includes(value), `no process environment or command line holds ${value}`);
    assert.deepEqual(seen.runner, { ACTIONS_RUNTIME_TOKEN: runtime, ACTIONS_RESULTS_URL: results }, 'the cache client reads its own; the OIDC token is gone');
    assert.ok(seen.child.includes('KEPT=yes'), 'the child got the environment');
    assert.match(seen.child, /^PATH=\/probe-added-path:/m, 'process.env takes an assignment, as core.addPath makes');
    for (const value of [runtime, oidc, results, oidcUrl]) assert.ok(!seen.child.includes(value), `a child started with process.env does not get ${value}`);
    assert.ok(!seen.env.some((name) => name.startsWith('ACTIONS_') || name === 'RUNTIME_COPY'), `process.env lists none: ${seen.env}`);
  });

  it('fails with one clear line when the keeper is gone', { timeout: 60_000 }, async () => {
    const missing = join(tmpdir(), `setup-pulumi-npm-handoff-missing-${process.pid}`, 's');
    assert.ok(!existsSync(missing));
    await assert.rejects(
      run(node24(), ['--import', 'tsx', probe], {
        cwd: root,
        timeout: 50_000,
        env: { PATH: process.env['PATH'], PROBE_DUMP: join(tmpdir(), 'unused'), [HANDOFF_VARIABLE]: missing },
      }),
      (error: { stderr: string }) => {
        assert.match(error.stderr, /Could not collect the Pulumi access token after restarting without it \(connect ENOENT/);
        return true;
      },
    );
  });
});
