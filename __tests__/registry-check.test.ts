import assert from 'node:assert/strict';
import type * as http from 'node:http';
import { describe, it } from 'node:test';
import type { CheckedInput } from '../src/action/steps/policy.js';
import { checkToken, type TokenCheckOptions } from '../src/token/check.js';
import { firstScopePackage } from '../src/action/steps/routing.js';
import { freePort, useHttpServer } from './support/servers.js';

// A real HTTP server on loopback that answers like the registries do, keyed by token, and plays scripted answers
// (errors, resets, silence) under /script-<n>/ for the retry tests.
const GOOD = 'good-token';
const NO_ACCESS = 'no-access-token';
const seen: Array<{ url: string; authorization: string | undefined }> = [];

/** One scripted reaction to a request: an answer, a dropped connection, or silence. */
type Step = { status: number; body?: string; headers?: Record<string, string> } | 'reset' | 'silence' | 'stall-body';
interface Script {
  steps: Step[];
  /** When each request arrived (ms since the epoch). */
  arrivals: number[];
  /** How many of those requests' connections have closed. */
  closed: number;
}
const scripts = new Map<string, Script>();

const json = (body: unknown): string => JSON.stringify(body);

/** A registry URL whose every request gets the next step (the last one repeats). */
function scripted(...steps: Step[]): { url: string; script: Script } {
  const name = `script-${scripts.size}`;
  const script: Script = { steps, arrivals: [], closed: 0 };
  scripts.set(name, script);
  return { url: `${base}${name}/`, script };
}

function play(step: Step, request: http.IncomingMessage, response: http.ServerResponse): void {
  if (step === 'reset') {
    request.socket.destroy();
  } else if (step === 'stall-body') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"username":');
  } else if (step !== 'silence') {
    response.writeHead(step.status, { 'content-type': 'application/json', ...step.headers }).end(step.body ?? json({}));
  }
}

const { url: base } = await useHttpServer((request, response) => {
  seen.push({ url: request.url ?? '', authorization: request.headers.authorization });
  const script = scripts.get(request.url?.split('/')[1] ?? '');
  if (script) {
    const step = script.steps[Math.min(script.arrivals.length, script.steps.length - 1)];
    script.arrivals.push(Date.now());
    request.socket.once('close', () => script.closed++);
    return play(step!, request, response);
  }
  const token = request.headers.authorization?.replace(/^Bearer /, '');
  const reply = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(json(body));
  if (request.url?.startsWith('/nowhoami/-/whoami')) return reply(404, {});
  const path = request.url?.replace(/^\/(nowhoami|strict)\//, '/');
  if (path === '/-/whoami') {
    if (token === GOOD || token === NO_ACCESS) return reply(200, { username: token === GOOD ? 'ci' : 'outsider' });
    return request.url?.startsWith('/strict/') ? reply(401, {}) : reply(200, {});
  }
  if (path === '/@pulumi%2faws') return token === GOOD ? reply(200, { name: '@pulumi/aws' }) : reply(token === NO_ACCESS ? 403 : 401, {});
  return reply(404, {});
});

const rejection = (message: RegExp) => ({ name: 'ActionError', message });

/** Short waits so the retry tests run fast, and a log that keeps its lines. */
function fastOptions(extra: TokenCheckOptions = {}): TokenCheckOptions & { lines: string[] } {
  const lines: string[] = [];
  return { timeoutMs: 2_000, backoffMs: 10, log: (line) => lines.push(line), ...extra, lines };
}

const whoamiOk: Step = { status: 200, body: json({ username: 'ci' }) };

describe('checkToken', () => {
  it('names the user and confirms read access to a scope package', async () => {
    assert.deepEqual(await checkToken(base, GOOD, '@pulumi/aws'), { username: 'ci', checkedPackage: '@pulumi/aws' });
    assert.ok(seen.some((request) => request.url === '/@pulumi%2faws' && request.authorization === `Bearer ${GOOD}`));
  });

  it('never asks for a name npm does not accept: path segments would send the token to other paths', async () => {
    const before = seen.length;
    await assert.rejects(checkToken(`${base}strict/`, GOOD, '@pulumi/x/../../..'), /Token check: "@pulumi\/x\/..\/..\/.." is not an npm package name/);
    assert.deepEqual(
      seen.slice(before).map((request) => request.url),
      ['/strict/-/whoami'],
      'only whoami was asked',
    );
  });

  it('picks the first scope package whose name npm accepts', () => {
    const program = (dependencies: Record<string, string>) =>
      ({ dir: '/p', packageJson: { path: '/p/package.json', text: JSON.stringify({ dependencies }) } }) satisfies CheckedInput;
    const programs = [program({ '@pulumi/x/../../..': '1', '@pulumi/AWS': '1' }), program({ 'left-pad': '1', '@pulumi/aws': '1' })];
    assert.equal(firstScopePackage(programs, '@pulumi'), '@pulumi/aws');
    assert.equal(firstScopePackage(programs.slice(0, 1), '@pulumi'), undefined);
  });

  it('calls a token the registry knows no user for rejected (401)', async () => {
    await assert.rejects(checkToken(base, 'bogus', '@pulumi/aws'), rejection(/rejected the token \(401, it knows no user for the token\)/));
    await assert.rejects(checkToken(`${base}strict/`, 'bogus', undefined), rejection(/rejected the token \(401, when asked for who the token belongs to\)/));
  });

  it('tells a valid token without access (403) from a wrong one', async () => {
    await assert.rejects(checkToken(base, NO_ACCESS, '@pulumi/aws'), rejection(/the token is valid but has no access to @pulumi\/aws .* \(403\)/));
  });

  it('reports a registry that cannot be reached, after three attempts', async () => {
    const port = await freePort();
    const options = fastOptions();
    await assert.rejects(
      checkToken(`http://127.0.0.1:${port}/`, GOOD, undefined, options),
      rejection(/^Token check: the registry http:\/\/127\.0\.0\.1:\d+\/ is unreachable \(ECONNREFUSED\), after 3 attempts\. Check "registry-url"/),
    );
    assert.equal(options.lines.length, 2);
    assert.match(
      options.lines[0]!,
      /^Token check: GET http:\/\/127\.0\.0\.1:\d+\/-\/whoami got no answer \(ECONNREFUSED\); retrying in 0\.01 s \(attempt 2 of 3\)\.$/,
    );
  });

  it('falls back to the package read when the registry has no whoami endpoint', async () => {
    assert.deepEqual(await checkToken(`${base}nowhoami/`, GOOD, '@pulumi/aws'), { username: undefined, checkedPackage: '@pulumi/aws' });
    await assert.rejects(checkToken(`${base}nowhoami/`, NO_ACCESS, '@pulumi/aws'), rejection(/\(403\)/));
  });
});

describe('checkToken retries', () => {
  it('retries a 503 and succeeds on the next answer, logging one line without the token', async () => {
    const { url, script } = scripted({ status: 503 }, whoamiOk);
    const options = fastOptions();
    assert.deepEqual(await checkToken(url, GOOD, undefined, options), { username: 'ci', checkedPackage: undefined });
    assert.equal(script.arrivals.length, 2);
    assert.deepEqual(options.lines, [`Token check: GET ${url}-/whoami answered 503; retrying in 0.01 s (attempt 2 of 3).`]);
    assert.ok(!options.lines.join('\n').includes(GOOD));
  });

  it('doubles the wait between attempts', async () => {
    const { url } = scripted({ status: 502 });
    const options = fastOptions({ backoffMs: 20 });
    await assert.rejects(checkToken(url, GOOD, undefined, options));
    assert.deepEqual(
      options.lines.map((line) => /retrying in (\S+ s)/.exec(line)?.[1]),
      ['0.02 s', '0.04 s'],
    );
  });

  it('gives up after three 503s and says how many attempts it made', async () => {
    const { url, script } = scripted({ status: 503 });
    const options = fastOptions();
    await assert.rejects(
      checkToken(url, GOOD, undefined, options),
      rejection(/^Token check: the registry \S+ answered 503 when asked for who the token belongs to \(3 attempts\), so it is not usable now\./),
    );
    assert.equal(script.arrivals.length, 3);
    assert.deepEqual(
      options.lines.map((line) => /\(attempt (\d) of 3\)\.$/.exec(line)?.[1]),
      ['2', '3'],
    );
  });

  it('retries the scope package read too', async () => {
    const { url, script } = scripted(whoamiOk, { status: 500 }, { status: 200, body: json({ name: '@pulumi/aws' }) });
    const options = fastOptions();
    assert.deepEqual(await checkToken(url, GOOD, '@pulumi/aws', options), { username: 'ci', checkedPackage: '@pulumi/aws' });
    assert.equal(script.arrivals.length, 3);
    assert.deepEqual(options.lines, [`Token check: GET ${url}@pulumi%2faws answered 500; retrying in 0.01 s (attempt 2 of 3).`]);
  });

  it('waits as long as a 429 Retry-After asks', async () => {
    const { url, script } = scripted({ status: 429, headers: { 'retry-after': '1' } }, whoamiOk);
    const options = fastOptions();
    assert.deepEqual(await checkToken(url, GOOD, undefined, options), { username: 'ci', checkedPackage: undefined });
    assert.deepEqual(options.lines, [`Token check: GET ${url}-/whoami answered 429; retrying in 1 s (attempt 2 of 3).`]);
    assert.ok(script.arrivals[1]! - script.arrivals[0]! >= 950, 'the second request came before the Retry-After had passed');
  });

  it('caps a long Retry-After', async () => {
    const { url } = scripted({ status: 429, headers: { 'retry-after': '3600' } }, whoamiOk);
    const options = fastOptions({ maxWaitMs: 50 });
    await checkToken(url, GOOD, undefined, options);
    assert.deepEqual(options.lines, [`Token check: GET ${url}-/whoami answered 429; retrying in 0.05 s (attempt 2 of 3).`]);
  });

  it('retries a connection reset', async () => {
    const { url, script } = scripted('reset', whoamiOk);
    const options = fastOptions();
    assert.deepEqual(await checkToken(url, GOOD, undefined, options), { username: 'ci', checkedPackage: undefined });
    assert.equal(script.arrivals.length, 2);
    assert.deepEqual(options.lines, [`Token check: GET ${url}-/whoami got no answer (ECONNRESET); retrying in 0.01 s (attempt 2 of 3).`]);
  });

  it('counts a registry that never answers as no answer after the timeout, and retries it', async () => {
    const { url, script } = scripted('silence', whoamiOk);
    const options = fastOptions({ timeoutMs: 200 });
    assert.deepEqual(await checkToken(url, GOOD, undefined, options), { username: 'ci', checkedPackage: undefined });
    assert.equal(script.arrivals.length, 2);
    assert.deepEqual(options.lines, [`Token check: GET ${url}-/whoami got no answer (timed out after 0.2 s); retrying in 0.01 s (attempt 2 of 3).`]);
  });

  it('says the registry timed out when it stays silent, or stalls mid-body, on every attempt', async () => {
    for (const step of ['silence', 'stall-body'] as const) {
      const { url, script } = scripted(step);
      await assert.rejects(
        checkToken(url, GOOD, undefined, fastOptions({ timeoutMs: 200 })),
        rejection(/^Token check: the registry \S+ is unreachable \(timed out after 0\.2 s\), after 3 attempts\./),
      );
      assert.equal(script.arrivals.length, 3, step);
      // The client hangs up on a request it gave up on, rather than leaving it open.
      for (let poll = 0; poll < 100 && script.closed < 3; poll++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(script.closed, 3, step);
    }
  });

  for (const status of [401, 403, 404, 400]) {
    it(`does not retry a ${status} for the scope package`, async () => {
      const { url, script } = scripted(whoamiOk, { status });
      const options = fastOptions();
      await assert.rejects(
        checkToken(url, GOOD, '@pulumi/aws', options),
        rejection(new RegExp(`\\(${status}\\b|answered ${status} when asked for @pulumi/aws \\(1 attempt\\)`)),
      );
      assert.equal(script.arrivals.length, 2, 'one whoami request and one package request');
      assert.deepEqual(options.lines, []);
    });
  }

  it('does not retry a 401 from whoami', async () => {
    const { url, script } = scripted({ status: 401 });
    await assert.rejects(checkToken(url, 'bogus', undefined, fastOptions()), rejection(/rejected the token \(401, when asked for who the token belongs to\)/));
    assert.equal(script.arrivals.length, 1);
  });
});

describe('checkToken on something that is not a registry', () => {
  it('says so when the URL answers 200 with an HTML page', async () => {
    const { url, script } = scripted({ status: 200, body: '<!doctype html><title>Sign in</title>', headers: { 'content-type': 'text/html; charset=utf-8' } });
    await assert.rejects(
      checkToken(url, GOOD, '@pulumi/aws', fastOptions()),
      rejection(
        /^Token check: \S+ does not look like an npm registry: asked for who the token belongs to, it answered 200 with an HTML page \(a login page or a proxy, perhaps\)\. Check "registry-url"\.$/,
      ),
    );
    assert.equal(script.arrivals.length, 1);
  });

  it('says so when the scope package read answers 200 with a body that is not JSON', async () => {
    const { url } = scripted(whoamiOk, { status: 200, body: 'OK', headers: { 'content-type': 'text/plain' } });
    await assert.rejects(
      checkToken(url, GOOD, '@pulumi/aws', fastOptions()),
      rejection(/asked for @pulumi\/aws, it answered 200 with a body that is not JSON/),
    );
  });

  it('keeps calling a JSON answer without a username a rejected token', async () => {
    const { url } = scripted({ status: 200, body: json({ ok: true }) });
    await assert.rejects(checkToken(url, GOOD, undefined, fastOptions()), rejection(/rejected the token \(401, it knows no user for the token\)/));
  });
});

describe('checkToken redirects', () => {
  // Another port of the same host: @actions/http-client would keep the Authorization header there.
  const spySeen: Array<{ url: string; authorization: string | undefined }> = [];
  const spy = useHttpServer((request, response) => {
    spySeen.push({ url: request.url ?? '', authorization: request.headers.authorization });
    response.writeHead(200, { 'content-type': 'application/json' }).end(json({ username: 'spy', name: '@pulumi/aws' }));
  });

  it('follows a redirect to another port without the token', async () => {
    const { url: spyUrl } = await spy;
    assert.equal(new URL(spyUrl).hostname, new URL(base).hostname);
    const { url } = scripted({ status: 302, headers: { location: `${spyUrl}-/whoami` } });
    assert.deepEqual(await checkToken(url, GOOD, '@pulumi/aws', fastOptions()), { username: 'spy', checkedPackage: '@pulumi/aws' });
    assert.deepEqual(
      spySeen.map((request) => request.url),
      ['/-/whoami', '/-/whoami'],
      'both requests were redirected to the spy',
    );
    assert.deepEqual(
      spySeen.filter((request) => request.authorization !== undefined),
      [],
      'the spy never saw the Authorization header',
    );
  });

  it('keeps the token on a redirect within the same origin', async () => {
    const { url } = scripted({ status: 307, headers: { location: '/-/whoami' } });
    assert.deepEqual(await checkToken(url, GOOD, undefined, fastOptions()), { username: 'ci', checkedPackage: undefined });
    assert.ok(seen.some((request) => request.url === '/-/whoami' && request.authorization === `Bearer ${GOOD}`));
  });

  it('stops after ten redirects, naming the answer', async () => {
    const { url, script } = scripted({ status: 302, headers: { location: './-/whoami' } });
    await assert.rejects(checkToken(url, GOOD, undefined, fastOptions()), rejection(/answered 302 when asked for who the token belongs to/));
    assert.equal(script.arrivals.length, 11);
  });
});
