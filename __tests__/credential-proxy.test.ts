import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tls from 'node:tls';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { pack } from 'tar-stream';
import { issueInterceptionCertificates } from '../src/token/certificate-authority.js';
import { type CredentialProxy, startCredentialProxy } from '../src/token/credential-proxy.js';
import { registryRoute } from '../src/token/registry-route.js';
import { isolatedNpmEnv, runNpm } from './support/fixtures.js';
import { assertNoSecret } from './support/secret-scan.js';

// Real parts on 127.0.0.1 (named localhost): an https registry and an https spy with certificates of their own (each from its own test
// authority, as a runner's NODE_EXTRA_CA_CERTS would add), an http registry and spy, a forward proxy standing in for a
// corporate runner's, and real clients (Node's http/tls and the machine's npm) going through the credential proxy.
const TOKEN = `proxy-test-token-${randomBytes(12).toString('hex')}`;

interface Seen {
  method: string;
  url: string;
  /** Every Authorization header the request carried. */
  authorization: string[];
}

interface Recorder {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

type Handler = (request: http.IncomingMessage, response: http.ServerResponse, origin: string) => void;

async function recordingServer(tlsOptions: tls.SecureContextOptions | undefined, handler: Handler): Promise<Recorder> {
  const seen: Seen[] = [];
  let origin = '';
  const listener = (request: http.IncomingMessage, response: http.ServerResponse) => {
    seen.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headersDistinct.authorization ?? [] });
    handler(request, response, origin);
  };
  const server = tlsOptions ? https.createServer(tlsOptions, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `${tlsOptions ? 'https' : 'http'}://localhost:${(server.address() as net.AddressInfo).port}`;
  return {
    url: origin,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** The runner's own proxy: tunnels CONNECTs and forwards absolute-form requests, and records both. */
async function startForwardProxy(): Promise<Recorder> {
  const seen: Seen[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((request, response) => {
    seen.push({ method: request.method ?? '', url: request.url ?? '', authorization: [] });
    const target = new URL(request.url ?? '');
    const outgoing = http.request(target, { method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    outgoing.on('error', () => response.destroy());
    request.pipe(outgoing);
  });
  server.on('connect', (request: http.IncomingMessage, client: net.Socket) => {
    seen.push({ method: 'CONNECT', url: request.url ?? '', authorization: [] });
    const { hostname, port } = new URL(`http://${request.url}`);
    const remote = net.connect(Number(port), hostname, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      remote.pipe(client);
      client.pipe(remote);
    });
    for (const socket of [client, remote]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => (client.destroy(), remote.destroy()));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    seen,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** For https: the SHA-256 fingerprint of the certificate the client was shown. */
  fingerprint?: string;
}

interface ClientOptions {
  method?: string;
  headers?: Record<string, string>;
  /** What the client trusts for https. */
  ca?: string[];
  /** Skip the host name check (to see which certificate a tunnel shows for a name it was not issued for). */
  anyHostName?: boolean;
}

/** A request as a package manager sends it through a proxy: CONNECT then TLS for https, absolute form for http. */
async function viaProxy(proxyUrl: string, target: string, options: ClientOptions = {}): Promise<Reply> {
  const url = new URL(target);
  const proxy = new URL(proxyUrl);
  const method = options.method ?? 'GET';
  if (url.protocol === 'http:') {
    return send(http.request({ host: proxy.hostname, port: proxy.port, method, path: url.href, headers: { host: url.host, ...options.headers } }));
  }
  const tunnel = await new Promise<net.Socket>((resolve, reject) => {
    const connect = http.request({ host: proxy.hostname, port: proxy.port, method: 'CONNECT', path: url.host });
    connect.once('connect', (answer: http.IncomingMessage, socket: net.Socket) =>
      answer.statusCode === 200 ? resolve(socket) : reject(new Error(`CONNECT ${answer.statusCode}`)),
    );
    connect.once('error', reject);
    connect.end();
  });
  const secure = tls.connect({ socket: tunnel, host: url.hostname, ca: options.ca, ...(options.anyHostName ? { checkServerIdentity: () => undefined } : {}) });
  await new Promise((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
  const fingerprint = secure.getPeerCertificate().fingerprint256;
  const reply = await send(
    http.request({ createConnection: () => secure, method, path: `${url.pathname}${url.search}`, headers: { host: url.host, ...options.headers } }),
  );
  secure.destroy();
  return { ...reply, fingerprint };
}

function send(request: http.ClientRequest): Promise<Reply> {
  return new Promise((resolve, reject) => {
    request.once('response', (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.once('end', () => resolve({ status: answer.statusCode ?? 0, headers: answer.headers, body: Buffer.concat(chunks).toString() }));
    });
    request.once('error', reject);
    request.end();
  });
}

/** A package tarball as npm packs one: package/package.json, gzipped. */
async function tarball(name: string, version: string): Promise<Buffer> {
  const archive = pack();
  archive.entry({ name: 'package/package.json' }, JSON.stringify({ name, version }));
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

const fingerprintOf = (pem: string) => new X509Certificate(pem).fingerprint256;

describe('credential proxy', () => {
  // Named localhost, not 127.0.0.1: npm's proxy agent checks an IP address registry's certificate against "localhost".
  const registryCertificates = issueInterceptionCertificates('localhost');
  const spyCertificates = issueInterceptionCertificates('localhost');
  const serverOptions = (certificates: typeof registryCertificates) => ({ cert: certificates.hostCertificatePem, key: certificates.hostKeyPem });
  let root: string;
  let tgz: Buffer;
  let registry: Recorder;
  let spy: Recorder;
  let httpRegistry: Recorder;
  let httpSpy: Recorder;
  let runnerProxy: Recorder;
  let proxy: CredentialProxy;
  let proxyThroughRunner: CredentialProxy;
  let httpProxy: CredentialProxy;
  const started: Array<{ close(): Promise<void> }> = [];

  /** The registry's packages: a packument whose tarball is served, CDN-like, by the spy on another port after a 302. */
  const registryHandler: Handler = (request, response, origin) => {
    const json = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const url = request.url ?? '';
    if (/^\/prefix\/@scope%2fpkg$/i.test(url)) {
      const dist = {
        tarball: `${origin}/prefix/@scope/pkg/-/pkg-1.0.0.tgz`,
        integrity: `sha512-${createHash('sha512').update(tgz).digest('base64')}`,
        shasum: createHash('sha1').update(tgz).digest('hex'),
      };
      json(200, { name: '@scope/pkg', 'dist-tags': { latest: '1.0.0' }, versions: { '1.0.0': { name: '@scope/pkg', version: '1.0.0', dist } } });
    } else if (url === '/prefix/@scope/pkg/-/pkg-1.0.0.tgz') {
      response.writeHead(302, { location: `${spy.url}/cdn/pkg-1.0.0.tgz` }).end();
    } else if (url === '/prefix/silence') {
      // Never answers: the proxy's timeout must end the request.
    } else if (url === '/prefix/same-origin-redirect') {
      response.writeHead(302, { location: '/prefix/@scope%2fpkg' }).end();
    } else {
      json(404, { error: 'not found' });
    }
  };
  const spyHandler: Handler = (request, response) => {
    if (request.url === '/cdn/pkg-1.0.0.tgz') response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(tgz);
    else response.writeHead(404).end();
  };

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'credential-proxy-'));
    tgz = await tarball('@scope/pkg', '1.0.0');
    registry = await recordingServer(serverOptions(registryCertificates), registryHandler);
    spy = await recordingServer(serverOptions(spyCertificates), spyHandler);
    httpRegistry = await recordingServer(undefined, registryHandler);
    httpSpy = await recordingServer(undefined, spyHandler);
    runnerProxy = await startForwardProxy();
    const common = commonOptions();
    proxy = await startCredentialProxy({ ...common, registryUrl: `${registry.url}/prefix/` });
    proxyThroughRunner = await startCredentialProxy({ ...common, registryUrl: `${registry.url}/prefix/`, upstreamProxyFor: () => new URL(runnerProxy.url) });
    httpProxy = await startCredentialProxy({ ...common, registryUrl: `${httpRegistry.url}/prefix` });
    started.push(proxy, proxyThroughRunner, httpProxy, registry, spy, httpRegistry, httpSpy, runnerProxy);
  });

  after(async () => {
    for (const server of started) await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  const trusted = () => [proxy.caCertificatePem!];
  const commonOptions = () => ({ token: TOKEN, extraCaPem: registryCertificates.authorityPem, upstreamProxyFor: () => undefined });

  it('adds the token to a request for the registry, replacing the Authorization the client sent', async () => {
    const reply = await viaProxy(proxy.url, `${registry.url}/prefix/@scope%2fpkg`, { ca: trusted(), headers: { authorization: 'Bearer from-the-client' } });
    assert.equal(reply.status, 200);
    assert.equal(JSON.parse(reply.body).name, '@scope/pkg');
    assert.deepEqual(registry.seen.at(-1), { method: 'GET', url: '/prefix/@scope%2fpkg', authorization: [`Bearer ${TOKEN}`] });
  });

  it("shows the client a certificate from this run's authority for the registry, and a tunnel's own for any other host", async () => {
    assert.ok(proxy.caCertificatePem);
    assert.notEqual(proxy.caCertificatePem, proxyThroughRunner.caCertificatePem, 'each proxy makes its own authority');
    const intercepted = await viaProxy(proxy.url, `${registry.url}/prefix/@scope%2fpkg`, { ca: trusted() });
    assert.notEqual(intercepted.fingerprint, fingerprintOf(registryCertificates.hostCertificatePem));
    // Another port of the same host: the spy's own certificate, verified against its own authority, not the proxy's.
    const otherPort = await viaProxy(proxy.url, `${spy.url}/anything`, { ca: [spyCertificates.authorityPem] });
    assert.equal(otherPort.fingerprint, fingerprintOf(spyCertificates.hostCertificatePem));
    // Another host name for the registry's own port: tunnelled too, so the registry's real certificate shows.
    const otherName = await viaProxy(proxy.url, `${registry.url.replace('localhost', '127.0.0.1')}/prefix/@scope%2fpkg`, {
      ca: [registryCertificates.authorityPem],
      anyHostName: true,
    });
    assert.equal(otherName.fingerprint, fingerprintOf(registryCertificates.hostCertificatePem));
    assert.deepEqual(registry.seen.at(-1)?.authorization, [], 'a tunnelled request carries no token');
    assert.ok(spy.seen.every((request) => request.authorization.length === 0));
  });

  it('sends no token outside the registry URL path, nor to a path that dot segments lead out of it', async () => {
    for (const target of ['/other/@scope%2fpkg', '/prefixed/x', '/prefix/%2e%2e/other', '/prefix/..%2fother']) {
      const before = registry.seen.length;
      await viaProxy(proxy.url, `${registry.url}${target}`, { ca: trusted() });
      assert.equal(registry.seen.length, before + 1, target);
      assert.deepEqual(registry.seen.at(-1)?.authorization, [], target);
    }
  });

  it('refuses POST, PUT, PATCH and DELETE for the registry without forwarding them', async () => {
    const before = registry.seen.length;
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const reply = await viaProxy(proxy.url, `${registry.url}/prefix/@scope%2fpkg`, { method, ca: trusted() });
      assert.equal(reply.status, 405, method);
    }
    const http405 = await viaProxy(httpProxy.url, `${httpRegistry.url}/prefix/@scope%2fpkg`, { method: 'PUT' });
    assert.equal(http405.status, 405);
    assert.equal(registry.seen.length, before);
    assert.ok(httpRegistry.seen.every((request) => request.method === 'GET' || request.method === 'HEAD'));
  });

  it('passes a redirect back as it came; following it to another port carries no token, back to the registry it does', async () => {
    const cdn = await viaProxy(proxy.url, `${registry.url}/prefix/@scope/pkg/-/pkg-1.0.0.tgz`, { ca: trusted() });
    assert.equal(cdn.status, 302);
    assert.equal(cdn.headers.location, `${spy.url}/cdn/pkg-1.0.0.tgz`);
    const followed = await viaProxy(proxy.url, cdn.headers.location, { ca: [spyCertificates.authorityPem] });
    assert.equal(followed.status, 200);
    assert.deepEqual(spy.seen.at(-1), { method: 'GET', url: '/cdn/pkg-1.0.0.tgz', authorization: [] });

    const same = await viaProxy(proxy.url, `${registry.url}/prefix/same-origin-redirect`, { ca: trusted() });
    assert.equal(same.status, 302);
    await viaProxy(proxy.url, new URL(same.headers.location!, registry.url).href, { ca: trusted() });
    assert.deepEqual(registry.seen.at(-1)?.authorization, [`Bearer ${TOKEN}`]);
  });

  it('for an http registry, adds the token to absolute-form requests for its origin only', async () => {
    assert.equal(httpProxy.caCertificatePem, undefined);
    const reply = await viaProxy(httpProxy.url, `${httpRegistry.url}/prefix/@scope%2fpkg`, { headers: { authorization: 'Basic client' } });
    assert.equal(reply.status, 200);
    assert.deepEqual(httpRegistry.seen.at(-1)?.authorization, [`Bearer ${TOKEN}`]);
    await viaProxy(httpProxy.url, `${httpSpy.url}/prefix/@scope%2fpkg`);
    await viaProxy(httpProxy.url, `${httpRegistry.url}/elsewhere`);
    assert.deepEqual(httpSpy.seen.at(-1)?.authorization, []);
    assert.deepEqual(httpRegistry.seen.at(-1), { method: 'GET', url: '/elsewhere', authorization: [] });
    // An https registry's proxy forwards an http URL of the same host untouched: the scheme is part of the origin.
    await viaProxy(proxy.url, `${httpRegistry.url}/prefix/@scope%2fpkg`);
    assert.deepEqual(httpRegistry.seen.at(-1)?.authorization, []);
  });

  it("goes through the runner's proxy when it has one, for the registry and for tunnels", async () => {
    const reply = await viaProxy(proxyThroughRunner.url, `${registry.url}/prefix/@scope%2fpkg`, { ca: [proxyThroughRunner.caCertificatePem!] });
    assert.equal(reply.status, 200);
    assert.deepEqual(registry.seen.at(-1)?.authorization, [`Bearer ${TOKEN}`]);
    await viaProxy(proxyThroughRunner.url, `${spy.url}/x`, { ca: [spyCertificates.authorityPem] });
    const connects = runnerProxy.seen.filter((request) => request.method === 'CONNECT').map((request) => request.url);
    assert.deepEqual(connects, [new URL(registry.url).host, new URL(spy.url).host]);
  });

  it('refuses a registry whose certificate chains to no root it trusts, and says so without the token', async () => {
    const untrusting = await startCredentialProxy({ registryUrl: `${registry.url}/prefix/`, token: TOKEN, upstreamProxyFor: () => undefined });
    try {
      const before = registry.seen.length;
      const reply = await viaProxy(untrusting.url, `${registry.url}/prefix/@scope%2fpkg`, { ca: [untrusting.caCertificatePem!] });
      assert.equal(reply.status, 502);
      assert.match(reply.body, /certificate/);
      assert.ok(!reply.body.includes(TOKEN));
      assert.equal(registry.seen.length, before);
    } finally {
      await untrusting.close();
    }
  });

  it('gives up on a registry that does not answer, after its idle timeout', async () => {
    const impatient = await startCredentialProxy({ ...commonOptions(), registryUrl: `${registry.url}/prefix/`, idleTimeoutMs: 300 });
    try {
      const started = Date.now();
      const reply = await viaProxy(impatient.url, `${registry.url}/prefix/silence`, { ca: [impatient.caCertificatePem!] });
      assert.equal(reply.status, 502);
      assert.match(reply.body, /no answer/);
      assert.ok(Date.now() - started < 5_000);
    } finally {
      await impatient.close();
    }
  });

  it("reports another host's failed connections, which a manager sees only as the proxy's 502, until one succeeds", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const reporting = await startCredentialProxy({ ...commonOptions(), registryUrl: `${registry.url}/prefix/` });
    try {
      assert.deepEqual(reporting.otherHostsTrouble(), []);
      // Tunnelled (https) and forwarded (http) alike.
      await assert.rejects(viaProxy(reporting.url, `https://127.0.0.1:${closedPort}/pkg`), /CONNECT 502/);
      assert.equal((await viaProxy(reporting.url, `http://127.0.0.1:${closedPort}/pkg`)).status, 502);
      assert.equal(reporting.trouble(), undefined, 'the registry itself did not fail');
      assert.deepEqual(reporting.otherHostsTrouble(), [{ host: `127.0.0.1:${closedPort}`, failures: 2, first: { code: 'ECONNREFUSED' }, refused: 0 }]);
      // A connection that later succeeds ends the report: it is no longer what a failure is about.
      const listening = net.createServer((socket) => socket.destroy()).listen(closedPort, '127.0.0.1');
      await once(listening, 'listening');
      await viaProxy(reporting.url, `https://127.0.0.1:${closedPort}/pkg`).catch(() => undefined);
      listening.close();
      assert.deepEqual(reporting.otherHostsTrouble(), []);
    } finally {
      await reporting.close();
    }
  });

  it('ends open tunnels and connections on close', async () => {
    const closing = await startCredentialProxy({ registryUrl: `${registry.url}/prefix/`, token: TOKEN, upstreamProxyFor: () => undefined });
    const socket = net.connect(Number(new URL(closing.url).port), '127.0.0.1');
    socket.write(`CONNECT ${new URL(spy.url).host} HTTP/1.1\r\nhost: ${new URL(spy.url).host}\r\n\r\n`);
    await new Promise((resolve) => socket.once('data', resolve));
    const ended = new Promise((resolve) => socket.once('close', resolve));
    await closing.close();
    await ended;
  });

  it('rejects a registry URL it cannot route and a token a header cannot carry', async () => {
    await assert.rejects(startCredentialProxy({ registryUrl: 'ftp://example.com/', token: TOKEN }), /https:\/\/ or http:\/\//);
    await assert.rejects(startCredentialProxy({ registryUrl: 'https://user:pw@example.com/', token: TOKEN }), /user name or password/);
    await assert.rejects(startCredentialProxy({ registryUrl: 'https://example.com/', token: 'a\r\nx-injected: 1' }), /cannot carry/);
  });

  it('lets npm view and npm pack a scoped package through it, npm holding no token', { timeout: 120_000 }, async () => {
    const home = path.join(root, 'npm-home');
    mkdirSync(path.join(home, '.tmp'), { recursive: true });
    writeFileSync(path.join(home, '.npmrc'), `@scope:registry=${registry.url}/prefix/\n`);
    // A machine's global npmrc may set cafile, which replaces Node's roots: this run reads none.
    writeFileSync(path.join(home, 'global-npmrc'), '');
    // What the action will do: this run's authority beside the certificates the runner trusts (the spy's, as a CDN's),
    // added by NODE_EXTRA_CA_CERTS, or for an npm whose config sets cafile, as that file.
    const caFile = path.join(home, 'extra-ca.pem');
    writeFileSync(caFile, `${proxy.caCertificatePem!}${spyCertificates.authorityPem}`);
    const proxySettings = { npm_config_https_proxy: proxy.url, npm_config_proxy: proxy.url, NPM_CONFIG_GLOBALCONFIG: path.join(home, 'global-npmrc') };
    const viewEnv = isolatedNpmEnv(home, { ...proxySettings, NODE_EXTRA_CA_CERTS: caFile });
    const packEnv = isolatedNpmEnv(home, { ...proxySettings, npm_config_cafile: caFile });
    const view = ['view', '@scope/pkg', 'version'];
    const packArgs = ['pack', '@scope/pkg', '--pack-destination', home];
    assert.ok(!JSON.stringify([viewEnv, packEnv, view, packArgs]).includes(TOKEN), 'no argument or variable of npm holds the token');
    const before = { registry: registry.seen.length, spy: spy.seen.length };

    const viewed = await runNpm(view, { cwd: home, env: viewEnv });
    assert.equal(viewed.exitCode, 0, viewed.stderr);
    assert.equal(viewed.stdout.trim(), '1.0.0');
    const packed = await runNpm(packArgs, { cwd: home, env: packEnv });
    assert.equal(packed.exitCode, 0, packed.stderr);
    assert.ok(readdirSync(home).includes('scope-pkg-1.0.0.tgz'), packed.stdout);

    const registrySaw = registry.seen.slice(before.registry);
    assert.ok(
      registrySaw.some((request) => request.url.endsWith('.tgz')),
      'npm fetched the tarball through the registry',
    );
    assert.ok(registrySaw.every((request) => request.authorization.length === 1 && request.authorization[0] === `Bearer ${TOKEN}`));
    const spySaw = spy.seen.slice(before.spy);
    assert.deepEqual(
      spySaw.map((request) => [request.url, request.authorization]),
      [['/cdn/pkg-1.0.0.tgz', []]],
      "npm followed the registry's redirect to the CDN port without the token",
    );
    await assertNoSecret(TOKEN, { dirs: [home], texts: { 'npm view': viewed.stdout + viewed.stderr, 'npm pack': packed.stdout + packed.stderr } });
  });
});

describe('interception certificates', () => {
  it('are a fresh authority and a certificate it signs for the host, by name or by IP address', () => {
    for (const [host, check] of [
      ['registry.example.com', (certificate: X509Certificate) => certificate.checkHost('registry.example.com')],
      ['[::1]', (certificate: X509Certificate) => certificate.checkIP('::1')],
    ] as const) {
      const certificates = issueInterceptionCertificates(host);
      const authority = new X509Certificate(certificates.authorityPem);
      const leaf = new X509Certificate(certificates.hostCertificatePem);
      assert.ok(authority.ca && !leaf.ca);
      assert.ok(leaf.checkIssued(authority) && leaf.verify(authority.publicKey), host);
      assert.ok(check(leaf), host);
      assert.notEqual(authority.fingerprint256, new X509Certificate(issueInterceptionCertificates(host).authorityPem).fingerprint256);
    }
  });
  it('are valid DER whatever the random serial numbers (a leading zero byte once made 1 run in 64 fail)', () => {
    for (let run = 0; run < 300; run++) {
      const certificates = issueInterceptionCertificates('registry.example.com');
      assert.doesNotThrow(() => new X509Certificate(certificates.authorityPem));
    }
  });
});

describe('registry route', () => {
  const route = registryRoute('https://Registry.Example.com:443/npm');
  it('covers the origin, scheme, host and port exactly, and the path under the prefix', () => {
    assert.ok(route.covers(new URL('https://registry.example.com/npm/@scope%2fpkg')));
    for (const other of [
      'http://registry.example.com/npm/x',
      'https://registry.example.com:8443/npm/x',
      'https://evil.registry.example.com/npm/x',
      'https://registry.example.com/npmx',
      'https://registry.example.com/npm/../x',
      'https://registry.example.com/npm/%2E%2E%2Fx',
    ]) {
      assert.ok(!route.covers(new URL(other)), other);
    }
  });
  it('intercepts a CONNECT to the registry host and port only', () => {
    assert.ok(route.isRegistryAuthority('REGISTRY.example.com:443'));
    assert.ok(!route.isRegistryAuthority('registry.example.com:8443'));
    assert.ok(!route.isRegistryAuthority('registry.example.com'));
    assert.ok(!route.isRegistryAuthority('user@registry.example.com:443'));
    assert.ok(!registryRoute('http://registry.example.com/').isRegistryAuthority('registry.example.com:80'));
  });
});
