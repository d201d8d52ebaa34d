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
export async function useRegistry(options: RegistryOptions = {}): Promise<TestRegistry> {
  return stoppedAfterScope(await startRegistry(options));
}

/** The test Actions cache service (both protocols), its archives in a temp folder. */
export async function useCacheServer(): Promise<CacheServer> {
  return stoppedAfterScope(await startCacheServer());
}

/** An HTTP server that answers every request with `respond`; its open connections are cut when it stops. */
export async function useHttpServer(respond: RequestListener): Promise<HttpServer> {
  const server = createServer(respond);
  const port = await listenOnLoopback(server);
  return stoppedAfterScope({ url: `http://${LOOPBACK}:${port}/`, stop: () => closeNow(server) });
}

/** Registers the server's stop once with the current scope; a test may still stop it sooner (stopping twice is once). */
function stoppedAfterScope<T extends { stop(): Promise<void> }>(server: T): T {
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopped ??= server.stop());
  after(stop, { timeout: STOP_TIMEOUT_MS });
  return { ...server, stop };
}
