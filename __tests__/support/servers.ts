/**
 * The one way tests start servers: the npm registry (Verdaccio, with the fixture packages and the users' tokens), the
 * Actions cache service, and small HTTP servers for ad-hoc answers (spy registries, slow or broken ones). Each `use…`
 * starts its server on 127.0.0.1 for the file, suite or test it is called in, and stops it when that ends (node:test's
 * `after` of that scope), removing what it kept in TMPDIR. So a file starts what it needs in one line:
 * `const registry = await useRegistry();`. Scripts outside node:test call registry.ts and cache-server.ts directly.
 */
import { createServer, type RequestListener } from 'node:http';
import { after } from 'node:test';
import { startCacheServer, type CacheServer } from './cache-server.js';
import { closeNow, listenOnLoopback, LOOPBACK } from './loopback.js';
import { startRegistry, type RegistryOptions, type TestRegistry } from './registry.js';

export { freePort } from './loopback.js';
export type { CacheFault, CacheServer } from './cache-server.js';
export type { RegistryOptions, TestRegistry } from './registry.js';

export interface HttpServer {
  /** 'http://127.0.0.1:<port>/' */
  url: string;
  stop(): Promise<void>;
}

/** Stopping waits this long at most: Verdaccio gets 10 s to exit, a server's connections are cut. */
const STOP_TIMEOUT_MS = 30_000;

/** The test registry: Verdaccio on a free port, without uplinks, the fixture packages published. */
export function useRegistry(options: RegistryOptions = {}): Promise<TestRegistry> {
  return stoppedAfterScope(startRegistry(options));
}

/** The test Actions cache service (both protocols), its archives in a temp folder. */
export function useCacheServer(): Promise<CacheServer> {
  return stoppedAfterScope(startCacheServer());
}

/** An HTTP server that answers every request with `respond`; its open connections are cut when it stops. */
export function useHttpServer(respond: RequestListener): Promise<HttpServer> {
  const server = createServer(respond);
  const listening = listenOnLoopback(server).then((port) => ({ url: `http://${LOOPBACK}:${port}/`, stop: () => closeNow(server) }));
  return stoppedAfterScope(listening);
}

/**
 * Registers the server's stop with the current scope at once, before the server has started (as a hook written at the
 * top of a file would be), so that no await stands between the scope and its teardown. A test may stop the server
 * sooner: stopping twice is stopping once. A server that failed to start has cleaned up after itself.
 */
function stoppedAfterScope<T extends { stop(): Promise<void> }>(starting: Promise<T>): Promise<T> {
  const started = starting.then((server) => {
    let stopped: Promise<void> | undefined;
    return { ...server, stop: (): Promise<void> => (stopped ??= server.stop()) };
  });
  after(
    () =>
      started.then(
        (server) => server.stop(),
        () => undefined,
      ),
    { timeout: STOP_TIMEOUT_MS },
  );
  return started;
}
