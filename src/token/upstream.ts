import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';

/**
 * How the credential proxy reaches the outside: directly, or through the runner's own proxy (a corporate runner's
 * HTTPS_PROXY), whose certificate authority it trusts as the runner does.
 */
export interface Upstream {
  /** The runner's proxy for a URL, or undefined to connect directly. */
  proxyFor: (url: URL) => URL | undefined;
  /** Node's roots and the runner's extra certificates (NODE_EXTRA_CA_CERTS): the registry's certificate must chain to one. */
  ca: string[];
  timeoutMs: number;
}

/** A TCP connection to host:port, made through the runner's proxy with CONNECT when it has one for that host. */
export function openTunnel(upstream: Upstream, hostname: string, port: number): Promise<net.Socket> {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  const via = upstream.proxyFor(new URL(`https://${net.isIPv6(host) ? `[${host}]` : host}:${port}`));
  return via ? connectThrough(via, host, port, upstream) : connectDirectly(host, port, upstream.timeoutMs);
}

function connectDirectly(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('timeout', () => socket.destroy(new Error(`no connection to ${host}:${port} within ${timeoutMs} ms`)));
    socket.once('error', reject);
  });
}

function connectThrough(proxy: URL, host: string, port: number, upstream: Upstream): Promise<net.Socket> {
  const authority = `${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
  const secureProxy = proxy.protocol === 'https:';
  const request = (secureProxy ? https : http).request({
    host: proxy.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: proxy.port || (secureProxy ? 443 : 80),
    method: 'CONNECT',
    path: authority,
    headers: { host: authority, ...proxyAuthorization(proxy) },
    agent: false,
    timeout: upstream.timeoutMs,
    ...(secureProxy ? { ca: upstream.ca } : {}),
  });
  return new Promise((resolve, reject) => {
    request.once('connect', (response: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
      if (response.statusCode !== 200) {
        socket.destroy();
        reject(new Error(`the runner's proxy ${proxy.host} answered ${response.statusCode} to CONNECT ${authority}`));
        return;
      }
      if (head.length > 0) socket.unshift(head);
      resolve(socket);
    });
    request.once('timeout', () => request.destroy(new Error(`the runner's proxy ${proxy.host} did not answer within ${upstream.timeoutMs} ms`)));
    request.once('error', reject);
    request.end();
  });
}

/** Basic credentials written in the proxy URL (http://user:pass@proxy:8080), as corporate proxies take them. */
export function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username && !proxy.password) return {};
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(credentials).toString('base64')}` };
}

/**
 * Keeps TLS connections to the registry open between requests (a cold install fetches hundreds of tarballs), and
 * opens each through the runner's proxy when it has one, verifying the registry's certificate against `ca`.
 */
export class RegistryAgent extends https.Agent {
  constructor(private readonly upstream: Upstream) {
    super({ keepAlive: true, ca: upstream.ca, timeout: upstream.timeoutMs });
  }

  override createConnection(options: https.RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const hostname = options.hostname ?? options.host ?? 'localhost';
    openTunnel(this.upstream, hostname, Number(options.port)).then(
      (socket) => {
        const name = hostname.replace(/^\[(.*)\]$/, '$1');
        const secure = tls.connect({ socket, host: name, ...(net.isIP(name) ? {} : { servername: name }), ca: this.upstream.ca, ALPNProtocols: ['http/1.1'] });
        callback?.(null, secure);
      },
      // Node reads no stream when an error comes with it.
      (error: Error) => callback?.(error, undefined as unknown as Duplex),
    );
    return undefined;
  }
}
