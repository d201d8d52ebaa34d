/**
 * The credential proxy: how a package manager installs from the token-gated registry without ever holding the token.
 *
 * Why a proxy. Any process that holds the token can be made to send it elsewhere: a package manager spawns programs
 * its config names (npm's `git`), follows config that points it at another registry or proxy, and runs install
 * scripts as the same user, which read every environment and config file it can see. Guarding that with a copy of each
 * manager's config semantics kept leaking. GitHub's Dependabot takes the other road: its updater never holds registry
 * credentials; a proxy beside it adds them to the requests it forwards. So here: this process keeps the token in its
 * own memory, listens on 127.0.0.1, and the package manager reaches the registry through it by its ordinary proxy
 * settings. The proxy adds `Authorization: Bearer <token>` to a request only when it is for the registry's origin
 * (scheme, host and port exactly) and under the registry URL's path, replacing any Authorization the client sent, and
 * forwards only GET and HEAD there (405 for anything else, so nothing can publish or unpublish through it). Every
 * other request is forwarded untouched, and a CONNECT to any other host:port is a plain tunnel, never intercepted.
 * For an https registry the proxy terminates TLS for that one host with a certificate signed by an authority made
 * fresh in memory for this run (the caller writes only its certificate where the package manager reads it), and
 * opens its own TLS connection to the real registry, verified against the roots this process trusts plus the runner's
 * extra certificates, through the runner's own proxy when it has one. Redirects go back to the client as they came;
 * when it follows one through the proxy, the token goes along only if the target is again the registry's origin and
 * path.
 *
 * What it still allows: while the proxy runs, any code on the machine that reaches 127.0.0.1 can fetch the routed
 * registry's packages through it (read access, for the step's duration). It can never obtain the token: the token is
 * in no config file, environment or argument of any process the action starts, the proxy sends it only to the
 * registry, and it logs nothing that holds it.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type * as net from 'node:net';
import * as tls from 'node:tls';
import { getProxyUrl } from '@actions/http-client/lib/proxy';
import { ActionError } from '../util/errors.js';
import { hostOfAuthority, registryRoute } from './registry-route.js';
import { RegistryTrouble, type TroubleReport } from './registry-trouble.js';
import { openTunnel, proxyAuthorization, RegistryAgent, type Upstream } from './upstream.js';

export interface CredentialProxyOptions {
  /** The registry the token is for; requests under this URL (origin and path) get the token. */
  registryUrl: string;
  token: string;
  /**
   * The runner's proxy for a URL (default: HTTPS_PROXY, HTTP_PROXY and NO_PROXY, read as the action's HTTP client
   * reads them, at each request). So the package managers get this proxy in their own environment, never in this
   * process's: here it would be its own upstream.
   */
  upstreamProxyFor?: (url: URL) => URL | undefined;
  /** PEM certificates the runner trusts besides Node's roots: the content of NODE_EXTRA_CA_CERTS's file. */
  extraCaPem?: string;
  /** How long a connection, tunnel or upstream request may stay idle before it is dropped (default 60 s). */
  idleTimeoutMs?: number;
}

export interface CredentialProxy {
  /** `http://127.0.0.1:<port>`: the value for the package managers' proxy settings. */
  url: string;
  /** The per-run authority's certificate, for an https registry: the package managers must trust it beside their roots. */
  caCertificatePem: string | undefined;
  /** How the registry has been failing since its last good answer, if it has. */
  trouble(): TroubleReport | undefined;
  /**
   * Other hosts the proxy reached for a manager (forwarded without the token, or tunnelled) whose connections have
   * been failing since their last good one: a manager sees only the proxy's 502 for those.
   */
  otherHostsTrouble(): TroubleReport[];
  /** Stops listening and ends every connection, tunnels included. */
  close(): Promise<void>;
}

const ALLOWED_METHODS = new Set(['GET', 'HEAD']);
/** Headers about one connection, never forwarded (RFC 9110 section 7.6.1), and the client's credentials for this proxy. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export async function startCredentialProxy(options: CredentialProxyOptions): Promise<CredentialProxy> {
  const route = registryRoute(options.registryUrl);
  if (!options.token || /[^\x21-\x7e]/.test(options.token)) {
    throw new ActionError('The token is empty or holds characters an HTTP header cannot carry (spaces, line breaks, non-ASCII).');
  }
  const authorization = `Bearer ${options.token}`;
  const timeoutMs = options.idleTimeoutMs ?? 60_000;
  // The client's side waits longer than the upstream's, so a registry that stalls gets the client a 502, not a hang-up.
  const clientTimeoutMs = 2 * timeoutMs;
  const upstream: Upstream = {
    proxyFor: options.upstreamProxyFor ?? getProxyUrl,
    ca: options.extraCaPem ? [...tls.rootCertificates, options.extraCaPem] : [...tls.rootCertificates],
    timeoutMs,
  };
  const registryAgent = new RegistryAgent(upstream);
  const trouble = new RegistryTrouble(new URL(route.origin).host);
  /** Other hosts the proxy reaches for a manager (forwarded without the token, or tunnelled): their failed connections. */
  const passedTrouble = new Map<string, RegistryTrouble>();
  const passedFailed = (host: string, error: NodeJS.ErrnoException) => {
    if (!passedTrouble.has(host)) passedTrouble.set(host, new RegistryTrouble(host));
    passedTrouble.get(host)!.failed({ code: error.code ?? error.message });
  };
  const plainAgent = new http.Agent({ keepAlive: true, timeout: timeoutMs });
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  /** Forwards one request to `target`, with the token when the route covers it; refuses other methods there. */
  const forward = (request: http.IncomingMessage, response: http.ServerResponse, target: URL) => {
    const routed = route.covers(target);
    if (routed && !ALLOWED_METHODS.has(request.method ?? '')) {
      request.resume();
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('The credential proxy forwards only GET and HEAD to the registry.\n');
      return;
    }
    if (routed && trouble.refuses()) {
      request.resume();
      return fail(response, `${target.origin} failed ${trouble.report()!.failures} times in a row; the proxy stopped asking it`, 503);
    }
    const headers = forwardedHeaders(request.rawHeaders, routed);
    headers.push('host', target.host);
    if (routed) headers.push('authorization', authorization);
    const outgoing = upstreamRequest(target, request.method ?? 'GET', headers, { upstream, registryAgent, plainAgent });
    outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error(`no answer from ${target.origin} within ${timeoutMs} ms`)));
    outgoing.once('response', (answer) => {
      if (routed && (answer.statusCode ?? 502) >= 500) trouble.failed({ status: answer.statusCode ?? 502 });
      else if (routed) trouble.succeeded();
      // Another host's own answer, a 5xx too, reaches the manager as it is: only a failed connection needs telling.
      else passedTrouble.get(target.host)?.succeeded();
      response.writeHead(answer.statusCode ?? 502, answer.statusMessage, responseHeaders(answer.rawHeaders));
      answer.pipe(response);
      answer.once('error', () => response.destroy());
    });
    outgoing.once('error', (error: NodeJS.ErrnoException) => {
      if (routed) trouble.failed({ code: error.code ?? error.message });
      else passedFailed(target.host, error);
      fail(response, `${target.origin}: ${error.message}`);
    });
    response.once('close', () => {
      if (!response.writableFinished) outgoing.destroy();
    });
    request.pipe(outgoing);
  };

  // Requests for the intercepted registry arrive here in origin form, on the TLS connection made for its CONNECT.
  const registryServer = http.createServer((request, response) => {
    if (!request.url?.startsWith('/')) return fail(response, 'expected a path on the registry connection', 400);
    forward(request, response, new URL(request.url, route.origin));
  });
  const proxyServer = http.createServer((request, response) => {
    let target: URL | undefined;
    try {
      target = new URL(request.url ?? '');
    } catch {
      target = undefined;
    }
    // An https URL comes by CONNECT; one in absolute form here would be a request to fetch it in clear.
    if (target?.protocol !== 'http:') return fail(response, 'expected an absolute http:// URL or a CONNECT', 400);
    forward(request, response, target);
  });
  for (const server of [proxyServer, registryServer]) {
    server.timeout = clientTimeoutMs;
    server.headersTimeout = timeoutMs;
    server.requestTimeout = timeoutMs;
  }
  proxyServer.on('connection', track);

  const certificates = route.secure ? (await import('./certificate-authority.js')).issueInterceptionCertificates(new URL(route.origin).hostname) : undefined;
  const registryContext = certificates && tls.createSecureContext({ cert: certificates.hostCertificatePem, key: certificates.hostKeyPem });

  proxyServer.on('connect', (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    client.setTimeout(clientTimeoutMs, () => client.destroy());
    client.on('error', () => client.destroy());
    const authority = request.url ?? '';
    if (registryContext && route.isRegistryAuthority(authority)) {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) client.unshift(head);
      const secure = new tls.TLSSocket(client, { isServer: true, secureContext: registryContext, ALPNProtocols: ['http/1.1'] });
      secure.on('error', () => secure.destroy());
      track(secure);
      registryServer.emit('connection', secure);
      return;
    }
    const host = hostOfAuthority(authority);
    if (!host) {
      client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const { hostname, port } = new URL(`https://${host}`);
    openTunnel(upstream, hostname, Number(port || 443)).then(
      (remote) => {
        passedTrouble.get(host)?.succeeded();
        track(remote);
        remote.setTimeout(timeoutMs, () => remote.destroy());
        remote.on('error', () => client.destroy());
        client.on('close', () => remote.destroy());
        remote.on('close', () => client.destroy());
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) remote.write(head);
        remote.pipe(client);
        client.pipe(remote);
      },
      (error: NodeJS.ErrnoException) => {
        passedFailed(host, error);
        client.end(`HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain\r\n\r\n${error.message}\n`);
      },
    );
  });

  await new Promise<void>((resolve, reject) => {
    proxyServer.once('error', reject);
    proxyServer.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = proxyServer.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    caCertificatePem: certificates?.authorityPem,
    trouble: () => trouble.report(),
    otherHostsTrouble: () => [...passedTrouble.values()].flatMap((other) => other.report() ?? []),
    close: async () => {
      const closed = Promise.all([proxyServer, registryServer].map((server) => new Promise((resolve) => server.close(resolve))));
      for (const socket of sockets) socket.destroy();
      registryAgent.destroy();
      plainAgent.destroy();
      await closed;
    },
  };
}

interface Connections {
  upstream: Upstream;
  registryAgent: RegistryAgent;
  plainAgent: http.Agent;
}

/**
 * The request to the origin: over TLS through the registry agent for the intercepted registry, or in clear, directly
 * or through the runner's proxy in absolute form, for an http URL.
 */
function upstreamRequest(target: URL, method: string, headers: string[], connections: Connections): http.ClientRequest {
  if (target.protocol === 'https:') {
    return https.request({ ...endpoint(target), method, path: `${target.pathname}${target.search}`, headers, agent: connections.registryAgent });
  }
  const via = connections.upstream.proxyFor(target);
  if (!via) return http.request({ ...endpoint(target), method, path: `${target.pathname}${target.search}`, headers, agent: connections.plainAgent });
  const proxyHeaders = [...headers, ...Object.entries(proxyAuthorization(via)).flat()];
  // A runner's proxy may itself be reached over https (HTTP_PROXY=https://…), rare but valid.
  return via.protocol === 'https:'
    ? https.request({ ...endpoint(via), method, path: target.href, headers: proxyHeaders, ca: connections.upstream.ca, agent: false })
    : http.request({ ...endpoint(via), method, path: target.href, headers: proxyHeaders, agent: connections.plainAgent });
}

function endpoint(url: URL): { host: string; port: number } {
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) };
}

/** The client's headers minus hop-by-hop ones, minus Host (set from the target), and minus its Authorization when the token replaces it. */
function forwardedHeaders(rawHeaders: string[], routed: boolean): string[] {
  const dropped = droppedHeaders(rawHeaders);
  dropped.add('host');
  if (routed) dropped.add('authorization');
  return pairs(rawHeaders).flatMap(([name, value]) => (dropped.has(name.toLowerCase()) ? [] : [name, value]));
}

function responseHeaders(rawHeaders: string[]): string[] {
  const dropped = droppedHeaders(rawHeaders);
  return pairs(rawHeaders).flatMap(([name, value]) => (dropped.has(name.toLowerCase()) ? [] : [name, value]));
}

/** Hop-by-hop headers, and those the Connection header names as such. */
function droppedHeaders(rawHeaders: string[]): Set<string> {
  const dropped = new Set(HOP_BY_HOP);
  for (const [name, value] of pairs(rawHeaders)) {
    if (name.toLowerCase() === 'connection') for (const token of value.split(',')) dropped.add(token.trim().toLowerCase());
  }
  return dropped;
}

function pairs(rawHeaders: string[]): Array<[string, string]> {
  const result: Array<[string, string]> = [];
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) result.push([rawHeaders[index]!, rawHeaders[index + 1]!]);
  return result;
}

function fail(response: http.ServerResponse, message: string, status = 502): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(status, { 'content-type': 'text/plain', connection: 'close' }).end(`credential proxy: ${message}\n`);
}
