/**
 * Issue 22: a registry that fails is explained and bounded. Each failure is played by a server on 127.0.0.1 in front
 * of the test registry: tarballs answered with 500, tarball connections reset, and a certificate nobody trusts. The
 * run fails with a message naming the cause, the host and what to check, after a bounded number of attempts (the
 * retries as the install environment sets them: npm 3 per request, pnpm and yarn 2+ 2). pnpm, yarn 1, yarn 4 and bun
 * each play the 500 and the certificate with the registry as the runner's user config names it (nothing routed, no
 * token), and pnpm the routed 500. The time from the first failure to the end of the run is printed as a diagnostic,
 * never asserted.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, describe, it, type TestContext } from 'node:test';
import { issueInterceptionCertificates } from '../src/token/certificate-authority.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { failureOf, runSetup, withSandbox, type Sandbox, type SetupRunOptions } from './support/e2e.js';
import { pathWithManager, type TestManager } from './support/managers.js';
import { machinePath } from './support/process.js';
import { useHttpServer, useRegistry, type HttpServer } from './support/servers.js';
import { BERRY_PROJECT_RC, berryHomeRc } from './support/yarn.js';

const registry = await useRegistry();
/** What npm may try per request: its first attempt and the two retries the install environment allows. */
const ATTEMPTS_PER_REQUEST = 3;
const todaysProgram = { name: 'today', version: '1.0.0', main: 'index.js', dependencies: { 'fixture-utils': '^1.0.0' } };

interface FailingFront extends HttpServer {
  /** Failed tarball requests by path. */
  attempts: Map<string, number>;
  firstFailureAt: number | undefined;
}

/** Forwards everything to the registry (Host kept, so its tarball URLs name this server) but fails each tarball. */
async function failingFront(fail: (response: http.ServerResponse, request: http.IncomingMessage) => void): Promise<FailingFront> {
  const attempts = new Map<string, number>();
  const front: { firstFailureAt: number | undefined } = { firstFailureAt: undefined };
  const server = await useHttpServer((request, response) => {
    const url = request.url ?? '/';
    if (url.endsWith('.tgz')) {
      attempts.set(url, (attempts.get(url) ?? 0) + 1);
      front.firstFailureAt ??= Date.now();
      request.resume();
      fail(response, request);
      return;
    }
    const target = new URL(url, registry.url);
    const outgoing = http.request(target, { method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    outgoing.on('error', () => response.destroy());
    request.pipe(outgoing);
  });
  return Object.assign(front, server, { attempts });
}

function assertBounded(front: FailingFront, attemptsPerRequest = ATTEMPTS_PER_REQUEST): void {
  assert.ok(front.attempts.size > 0, 'a tarball was asked for');
  for (const [url, count] of front.attempts) assert.ok(count <= attemptsPerRequest, `${url} was asked for ${count} times`);
}

function reportTime(t: TestContext, front: { firstFailureAt: number | undefined }, endedAt: number): void {
  if (front.firstFailureAt !== undefined) t.diagnostic(`failed ${((endedAt - front.firstFailureAt) / 1000).toFixed(1)} s after the first failure`);
}

const answering500 = (response: http.ServerResponse) => response.writeHead(500, { 'content-type': 'text/plain' }).end('down\n');
const resetting = (_response: http.ServerResponse, request: http.IncomingMessage) => request.socket.destroy();

/** One run with npm against a front that fails each tarball as `fail` does: it fails, `check` reads its failure, retries are bounded. */
async function playFailure(
  t: TestContext,
  fail: (response: http.ServerResponse, request: http.IncomingMessage) => void,
  options: (front: FailingFront) => SetupRunOptions,
  programs: Record<string, unknown> | undefined,
  check: (failure: string, front: FailingFront) => void,
): Promise<void> {
  const front = await failingFront(fail);
  await withSandbox(programs, async (sandbox) => {
    const run = await runSetup(registry, sandbox, options(front));
    try {
      reportTime(t, front, Date.now());
      assert.equal(run.main.exitCode, 1);
      check(failureOf(run.main) ?? '', front);
      assertBounded(front);
    } finally {
      await run.cleanup();
    }
  });
}

type OtherManager = Exclude<TestManager, 'npm'>;

/**
 * Each manager, what it is named by the input and in messages, and the attempts it makes per request of a registry
 * that answers 500: pnpm and yarn 2+ as the action bounds them (one retry), yarn 1 retries no 5xx, bun its own 5 times.
 */
const MANAGERS: Record<OtherManager, { name: string; attempts: number; certificateSetting: RegExp }> = {
  pnpm: { name: 'pnpm', attempts: 2, certificateSetting: /pnpm's "cafile" in the runner's user \.npmrc/ },
  yarn1: { name: 'yarn', attempts: 1, certificateSetting: /yarn 1: "cafile" in ~\/\.yarnrc/ },
  yarn4: { name: 'yarn', attempts: 2, certificateSetting: /yarn 2\+'s "httpsCaFilePath" in the runner's ~\/\.yarnrc\.yml/ },
  bun: { name: 'bun', attempts: 6, certificateSetting: /bun's "cafile" under \[install\] in the runner's ~\/\.bunfig\.toml/ },
};

/**
 * A run of today's program with `manager`, its registry `registryUrl` as the runner's user config sets it: npm's
 * variable for pnpm, yarn 1 and bun, ~/.yarnrc.yml for yarn 4 (which fetches from http only from hosts it is told).
 * Nothing is routed and no token is given.
 */
async function runUnrouted(manager: OtherManager, sandbox: Sandbox, registryUrl: string) {
  const home = path.join(sandbox.root, 'home');
  fs.mkdirSync(home);
  if (manager === 'yarn4') {
    fs.writeFileSync(path.join(sandbox.workspace, '.yarnrc.yml'), BERRY_PROJECT_RC);
    fs.writeFileSync(path.join(home, '.yarnrc.yml'), `${berryHomeRc(registryUrl)}unsafeHttpWhitelist:\n  - "127.0.0.1"\n`);
  }
  return runSetup(registry, sandbox, {
    home,
    token: '',
    inputs: { preset: 'current', 'link-path': '', 'registry-url': '', 'package-manager': MANAGERS[manager].name },
    env: {
      NPM_CONFIG_REGISTRY: registryUrl,
      PATH: pathWithManager(manager, machinePath()),
      YARN_ENABLE_TELEMETRY: '0',
      // Yarn 1 run by root keeps its cache in /usr/local/share whatever HOME says.
      ...(manager === 'yarn1' && { YARN_CACHE_FOLDER: path.join(sandbox.root, 'yarn-cache') }),
    },
  });
}

describe('a registry that fails', () => {
  it('routed, answering 500: the install fails after bounded retries, naming the status, the host and what to check', (t) =>
    playFailure(
      t,
      answering500,
      (front) => ({ inputs: { 'registry-url': front.url }, env: { NPM_CONFIG_REGISTRY: front.url } }),
      undefined,
      (failure) => {
        assert.match(
          failure,
          /"npm install" failed in the repository root \(\.\) \(exit code 1\): 127\.0\.0\.1:\d+ answered 500 \(a server error\) and npm gave up/,
        );
        assert.match(failure, /The credential proxy saw 127\.0\.0\.1:\d+ answer 500 \(a server error\) \d+ times? in a row/);
      },
    ));

  it('routed, resetting the connection: the proxy tells what npm saw as a 502', (t) =>
    playFailure(
      t,
      resetting,
      (front) => ({ inputs: { 'registry-url': front.url }, env: { NPM_CONFIG_REGISTRY: front.url } }),
      undefined,
      (failure) => assert.match(failure, /The credential proxy's connections to 127\.0\.0\.1:\d+ failed \d+ times? in a row \(ECONNRESET\)/),
    ));

  it('another registry, reached through the credential proxy, resetting the connection: the proxy tells what npm saw as its 502', (t) =>
    // @pulumi is routed to the registry, which answers; fixture-utils comes from the front, through the proxy.
    playFailure(
      t,
      resetting,
      (front) => ({ env: { NPM_CONFIG_REGISTRY: front.url } }),
      undefined,
      (failure, front) => {
        const host = new URL(front.url).host.replace(/\./g, '\\.');
        assert.match(failure, new RegExp(`The credential proxy's connections to ${host} failed \\d+ times? in a row \\(ECONNRESET\\)`));
      },
    ));

  it('not routed (preset current), answering 500: npm gives up after bounded retries', (t) =>
    playFailure(
      t,
      (response) => response.writeHead(500).end(),
      (front) => ({ inputs: { preset: 'current', 'link-path': '' }, env: { NPM_CONFIG_REGISTRY: front.url } }),
      { '.': todaysProgram },
      (failure) => assert.match(failure, /127\.0\.0\.1:\d+ answered 500 \(a server error\) and npm gave up\. Check the registry's status/),
    ));

  describe('whose certificate nobody trusts', () => {
    const authority = issueInterceptionCertificates('localhost');
    let handshakes = 0;
    const untrusted: { firstFailureAt: number | undefined } = { firstFailureAt: undefined };
    const server = https.createServer({ cert: authority.hostCertificatePem, key: authority.hostKeyPem }, (_request, response) => response.end('{}'));
    server.on('tlsClientError', () => {
      handshakes++;
      untrusted.firstFailureAt ??= Date.now();
    });
    const url = new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`https://localhost:${(server.address() as AddressInfo).port}/`)));
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('not routed: npm fails naming the certificate settings', async () => {
      await withSandbox({ '.': todaysProgram }, async (sandbox) => {
        const run = await runSetup(registry, sandbox, { inputs: { preset: 'current', 'link-path': '' }, env: { NPM_CONFIG_REGISTRY: await url } });
        try {
          assert.equal(run.main.exitCode, 1);
          const failure = failureOf(run.main) ?? '';
          assert.match(
            failure,
            /the TLS certificate of localhost:\d+ is not trusted \((?:UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/,
          );
          assert.match(failure, /set NODE_EXTRA_CA_CERTS in the job's env .* or npm's "cafile" in the runner's user config/);
          assert.ok(handshakes > 0 && handshakes <= ATTEMPTS_PER_REQUEST, `${handshakes} handshakes`);
        } finally {
          await run.cleanup();
        }
      });
    });

    for (const manager of Object.keys(MANAGERS) as OtherManager[]) {
      const { name, certificateSetting } = MANAGERS[manager];
      it(`${manager}, not routed: fails naming the host, NODE_EXTRA_CA_CERTS and ${name}'s own setting`, async (t) => {
        const host = new URL(await url).host;
        untrusted.firstFailureAt = undefined;
        await withSandbox({ '.': todaysProgram }, async (sandbox) => {
          const run = await runUnrouted(manager, sandbox, await url);
          try {
            reportTime(t, untrusted, Date.now());
            assert.equal(run.main.exitCode, 1);
            const failure = failureOf(run.main) ?? '';
            assert.match(
              failure,
              new RegExp(
                `the TLS certificate of ${host}(?: \\(the registry ${name} is configured with\\))? is not trusted \\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\\)`,
              ),
            );
            assert.match(failure, /set NODE_EXTRA_CA_CERTS in the job's env to a PEM file/);
            assert.match(failure, certificateSetting);
          } finally {
            await run.cleanup();
          }
        });
      });
    }

    it('routed: the token check fails at once, naming NODE_EXTRA_CA_CERTS', async () => {
      handshakes = 0;
      await withSandbox(undefined, async (sandbox) => {
        const run = await runSetup(registry, sandbox, { inputs: { 'registry-url': await url } });
        try {
          assert.equal(run.main.exitCode, 1);
          assert.match(
            failureOf(run.main) ?? '',
            /^Token check: the TLS certificate of https:\/\/localhost:\d+\/ is not trusted \(\w+\)\. .*NODE_EXTRA_CA_CERTS/,
          );
          assert.equal(handshakes, 1, 'a certificate is not asked for again');
        } finally {
          await run.cleanup();
        }
      });
    });
  });

  describe('answering 500, with each manager', () => {
    for (const manager of Object.keys(MANAGERS) as OtherManager[]) {
      const { name, attempts } = MANAGERS[manager];
      const bound = attempts === 1 ? 'one attempt' : `${attempts} attempts`;
      it(`${manager}, not routed: ${name} gives up after at most ${bound} a request, naming the status and the host`, async (t) => {
        const front = await failingFront((response) => response.writeHead(500, { 'content-type': 'text/plain' }).end('down\n'));
        await withSandbox({ '.': todaysProgram }, async (sandbox) => {
          const run = await runUnrouted(manager, sandbox, front.url);
          try {
            reportTime(t, front, Date.now());
            assert.equal(run.main.exitCode, 1);
            const host = new URL(front.url).host.replace(/\./g, '\\.');
            assert.match(
              failureOf(run.main) ?? '',
              new RegExp(`: ${host} answered 500 \\(a server error\\) and ${name} gave up\\. Check the registry's status`),
            );
            assertBounded(front, attempts);
          } finally {
            await run.cleanup();
          }
        });
      });
    }

    it("pnpm, routed: pnpm's message and the credential proxy's name the status and the host", async (t) => {
      const front = await failingFront((response) => response.writeHead(500, { 'content-type': 'text/plain' }).end('down\n'));
      const program = { name: 'infra', version: '1.0.0', main: 'index.js', dependencies: { '@pulumi/aws': '^0.10.0', 'fixture-utils': '^1.0.0' } };
      await withSandbox({ '.': program }, async (sandbox) => {
        const run = await runSetup(registry, sandbox, {
          inputs: { 'registry-url': front.url, 'package-manager': 'pnpm', policy: 'off' },
          env: { NPM_CONFIG_REGISTRY: front.url, PATH: pathWithManager('pnpm', machinePath()) },
        });
        try {
          reportTime(t, front, Date.now());
          assert.equal(run.main.exitCode, 1);
          const failure = failureOf(run.main) ?? '';
          assert.match(
            failure,
            /^"pnpm install [^"]*" failed in the repository root \(\.\) \(exit code 1\): 127\.0\.0\.1:\d+ answered 500 \(a server error\) and pnpm gave up/,
          );
          assert.match(failure, /The credential proxy saw 127\.0\.0\.1:\d+ answer 500 \(a server error\) \d+ times? in a row/);
          assertBounded(front, MANAGERS.pnpm.attempts);
        } finally {
          await run.cleanup();
        }
      });
    });
  });
});
