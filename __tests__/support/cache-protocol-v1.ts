import { open } from 'node:fs/promises';
import { WRITE_DENIED, blobUrl, hasRuntimeToken, parseJson, sendError, sendJson } from './cache-exchange.js';
import type { CacheOperation, Exchange, Route, ServiceContext } from './cache-exchange.js';

const API_ROOT = '/_apis/artifactcache/';

/** The legacy REST cache service (ACTIONS_CACHE_URL + `_apis/artifactcache/`), as `@actions/cache` calls it. */
export function v1Route(context: ServiceContext, method: string, pathname: string): Route | undefined {
  if (!pathname.startsWith(API_ROOT)) return undefined;
  const resource = pathname.slice(API_ROOT.length);
  const id = /^caches\/(\d+)$/.exec(resource)?.[1];
  const route = (operation: CacheOperation, handle: (exchange: Exchange) => Promise<void>): Route => ({
    operation,
    dialect: 'v1',
    handle: async (exchange) => {
      if (!hasRuntimeToken(exchange, context)) return sendError(exchange.res, 'v1', 401, 'missing or wrong runtime token');
      await handle(exchange);
    },
  });
  if (method === 'GET' && resource === 'cache') return route('lookup', (exchange) => lookup(context, exchange));
  if (method === 'GET' && resource === 'caches') return route('lookup', (exchange) => list(context, exchange));
  if (method === 'POST' && resource === 'caches') return route('reserve', (exchange) => reserve(context, exchange));
  if (method === 'PATCH' && id) return route('upload', (exchange) => uploadChunk(context, exchange, Number(id)));
  if (method === 'POST' && id) return route('commit', (exchange) => commit(context, exchange, Number(id)));
  return undefined;
}

async function lookup(context: ServiceContext, { res, url }: Exchange): Promise<void> {
  const keys = (url.searchParams.get('keys') ?? '').split(',').filter(Boolean);
  const version = url.searchParams.get('version') ?? '';
  if (keys.length === 0 || !version) return sendError(res, 'v1', 400, 'keys and version are required');
  const entry = context.store.match(keys, version);
  if (!entry) {
    res.writeHead(204).end();
    return;
  }
  sendJson(res, 200, {
    cacheKey: entry.key,
    cacheVersion: entry.version,
    scope: 'refs/heads/main',
    creationTime: new Date().toISOString(),
    archiveLocation: blobUrl(context, entry),
  });
}

/** The listing the SDK asks for (in debug mode only) to explain a miss. */
async function list(context: ServiceContext, { res, url }: Exchange): Promise<void> {
  const key = url.searchParams.get('key') ?? '';
  const matching = context.store.committed().filter((entry) => entry.key === key);
  sendJson(res, 200, {
    totalCount: matching.length,
    artifactCaches: matching.map((entry) => ({ cacheKey: entry.key, cacheVersion: entry.version, scope: 'refs/heads/main' })),
  });
}

async function reserve(context: ServiceContext, { res, body, fault }: Exchange): Promise<void> {
  const request = parseJson(body);
  if (typeof request?.key !== 'string' || typeof request.version !== 'string') {
    return sendError(res, 'v1', 400, 'key and version are required');
  }
  if (fault?.kind === 'write-denied') return sendError(res, 'v1', 403, `${WRITE_DENIED} the token of this run is read-only`);
  const entry = fault?.kind === 'already-exists' ? undefined : await context.store.reserve(request.key, request.version);
  if (!entry) {
    return sendError(res, 'v1', 409, `Cache already exists. Scope: refs/heads/main, Key: ${request.key}, Version: ${request.version}`);
  }
  sendJson(res, 201, { cacheId: entry.id });
}

async function uploadChunk(context: ServiceContext, { req, res, body }: Exchange, id: number): Promise<void> {
  const entry = context.store.get(id);
  if (!entry || entry.committed) return sendError(res, 'v1', 404, `no open cache entry ${id}`);
  const range = /^bytes (\d+)-(\d+)\/\*$/.exec(req.headers['content-range'] ?? '');
  if (!range) return sendError(res, 'v1', 400, 'Content-Range must be "bytes start-end/*"');
  const start = Number(range[1]);
  if (Number(range[2]) - start + 1 !== body.length) return sendError(res, 'v1', 400, 'Content-Range does not match the body length');
  const file = await open(entry.archivePath, 'r+');
  try {
    await file.write(body, 0, body.length, start);
  } finally {
    await file.close();
  }
  res.writeHead(204).end();
}

async function commit(context: ServiceContext, { res, body }: Exchange, id: number): Promise<void> {
  const entry = context.store.get(id);
  const size = parseJson(body)?.size;
  if (!entry) return sendError(res, 'v1', 404, `no cache entry ${id}`);
  if (typeof size !== 'number') return sendError(res, 'v1', 400, 'size is required');
  const refusal = await context.store.commit(entry, size);
  if (refusal) return sendError(res, 'v1', 400, refusal);
  res.writeHead(204).end();
}
