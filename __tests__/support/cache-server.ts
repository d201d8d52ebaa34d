/**
 * A GitHub Actions cache service for tests, speaking what `@actions/cache` speaks: v1 REST under
 * `_apis/artifactcache/`, v2 Twirp JSON, and the Azure Blob calls on the signed archive URLs. Archives are kept in a
 * temp dir; faults can be injected per operation.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBody, sendError } from './cache-exchange.js';
import { closeNow, listenOnLoopback, LOOPBACK } from './loopback.js';
import type { CacheFault, CacheOperation, ServiceContext } from './cache-exchange.js';
import { blobRoute } from './cache-protocol-blob.js';
import { v1Route } from './cache-protocol-v1.js';
import { v2Route } from './cache-protocol-v2.js';
import { CacheStore } from './cache-store.js';

export type { CacheFault, CacheOperation } from './cache-exchange.js';

export interface CacheServer {
  /** http://127.0.0.1:PORT, without a trailing slash. */
  url: string;
  /**
   * The variables `@actions/cache` reads to reach this service with the given protocol. Variables of the other
   * protocol are '' (the SDK treats empty as unset), so merging them over process.env switches protocols cleanly.
   */
  env(protocol: 'v1' | 'v2'): Record<string, string>;
  /** Committed entries, oldest first. */
  entries(): { key: string; version: string; size: number; archivePath: string }[];
  inject(fault: CacheFault): void;
  clearFaults(): void;
  /** Every request answered so far; status 0 when the connection was dropped instead. */
  requests: { method: string; path: string; status: number }[];
  stop(): Promise<void>;
}

const HANDLER_ONLY_FAULTS: Partial<Record<CacheFault['kind'], CacheOperation>> = {
  truncate: 'download',
  corrupt: 'download',
  'already-exists': 'reserve',
  'write-denied': 'reserve',
};

export async function startCacheServer(): Promise<CacheServer> {
  const store = new CacheStore(await mkdtemp(join(tmpdir(), 'cache-server-')));
  const faults: { fault: CacheFault; remaining: number }[] = [];
  const delays = new Set<NodeJS.Timeout>();
  const requests: CacheServer['requests'] = [];
  const context: ServiceContext = {
    store,
    baseUrl: '',
    runtimeToken: `runtime-${randomBytes(8).toString('hex')}`,
    signature: randomBytes(16).toString('hex'),
  };

  const takeFault = (operation: CacheOperation): CacheFault | undefined => {
    const active = faults.find((candidate) => candidate.fault.on === operation && candidate.remaining > 0);
    if (active) active.remaining -= 1;
    return active?.fault;
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        delays.delete(timer);
        resolve();
      }, ms);
      delays.add(timer);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', context.baseUrl);
    const method = req.method ?? 'GET';
    res.on('close', () => requests.push({ method, path: url.pathname + url.search, status: res.writableFinished ? res.statusCode : 0 }));
    const route = v1Route(context, method, url.pathname) ?? v2Route(context, method, url.pathname) ?? blobRoute(context, method, url);
    if (!route) return void res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`no route for ${method} ${url.pathname}`);
    const body = await readBody(req);
    const fault = takeFault(route.operation);
    if (fault?.kind === 'status') return sendError(res, route.dialect, fault.status ?? 500, `injected fault: status ${fault.status ?? 500}`);
    if (fault?.kind === 'delay') await sleep(fault.delayMs ?? 0);
    if (fault?.kind === 'reset' && route.operation !== 'download') return void req.socket.destroy();
    const handlerFault = fault?.kind === 'delay' ? undefined : fault;
    await route.handle({ req, res, url, body, ...(handlerFault ? { fault: handlerFault } : {}) });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`test cache service failed: ${String(error)}`);
    });
  });
  const url = `http://${LOOPBACK}:${await listenOnLoopback(server)}`;
  context.baseUrl = url;

  return {
    url,
    env: (protocol) => ({
      ACTIONS_CACHE_SERVICE_V2: protocol === 'v2' ? 'true' : '',
      ACTIONS_CACHE_URL: protocol === 'v1' ? `${url}/` : '',
      ACTIONS_RESULTS_URL: protocol === 'v2' ? `${url}/` : '',
      ACTIONS_RUNTIME_TOKEN: context.runtimeToken,
      // v2 is only chosen for github.com, *.ghe.com and *.localhost; GHES always gets v1.
      GITHUB_SERVER_URL: 'https://github.com',
    }),
    entries: () => store.committed().map(({ key, version, size, archivePath }) => ({ key, version, size, archivePath })),
    inject: (fault) => {
      const only = HANDLER_ONLY_FAULTS[fault.kind];
      if (only && only !== fault.on) throw new Error(`cache fault '${fault.kind}' applies to '${only}', not '${fault.on}'`);
      if (fault.kind === 'status' && !fault.status) throw new Error("cache fault 'status' needs a status");
      faults.push({ fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
    },
    clearFaults: () => void faults.splice(0),
    requests,
    stop: async () => {
      for (const timer of delays) clearTimeout(timer);
      await closeNow(server);
      await store.removeAll();
    },
  };
}
