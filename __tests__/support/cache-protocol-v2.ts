import { WRITE_DENIED, blobUrl, hasRuntimeToken, parseJson, sendError, sendJson } from './cache-exchange.js';
import type { CacheOperation, Exchange, Route, ServiceContext } from './cache-exchange.js';

const SERVICE_ROOT = '/twirp/github.actions.results.api.v1.CacheService/';

/** Cache service v2: Twirp JSON (snake_case fields, int64 as strings) at ACTIONS_RESULTS_URL. */
export function v2Route(context: ServiceContext, method: string, pathname: string): Route | undefined {
  if (method !== 'POST' || !pathname.startsWith(SERVICE_ROOT)) return undefined;
  const rpc = pathname.slice(SERVICE_ROOT.length);
  const route = (operation: CacheOperation, handle: (exchange: Exchange, request: Record<string, unknown>) => Promise<void>): Route => ({
    operation,
    dialect: 'twirp',
    handle: async (exchange) => {
      if (!hasRuntimeToken(exchange, context)) return sendError(exchange.res, 'twirp', 401, 'missing or wrong runtime token');
      const request = parseJson(exchange.body);
      if (typeof request?.key !== 'string' || typeof request.version !== 'string') {
        return sendError(exchange.res, 'twirp', 400, 'key and version are required');
      }
      await handle(exchange, request);
    },
  });
  if (rpc === 'GetCacheEntryDownloadURL') return route('lookup', (exchange, request) => downloadUrl(context, exchange, request));
  if (rpc === 'CreateCacheEntry') return route('reserve', (exchange, request) => create(context, exchange, request));
  if (rpc === 'FinalizeCacheEntryUpload') return route('commit', (exchange, request) => finalize(context, exchange, request));
  return undefined;
}

async function downloadUrl(context: ServiceContext, { res }: Exchange, request: Record<string, unknown>): Promise<void> {
  const restoreKeys = Array.isArray(request.restore_keys) ? request.restore_keys.filter((key) => typeof key === 'string') : [];
  const entry = context.store.match([String(request.key), ...restoreKeys], String(request.version));
  if (!entry) return sendJson(res, 200, { ok: false });
  sendJson(res, 200, { ok: true, signed_download_url: blobUrl(context, entry), matched_key: entry.key });
}

async function create(context: ServiceContext, { res, fault }: Exchange, request: Record<string, unknown>): Promise<void> {
  const key = String(request.key);
  if (fault?.kind === 'write-denied') return sendJson(res, 200, { ok: false, message: `${WRITE_DENIED} the token of this run is read-only` });
  const entry = fault?.kind === 'already-exists' ? undefined : await context.store.reserve(key, String(request.version));
  if (!entry) return sendJson(res, 200, { ok: false, message: `a cache entry with key ${key} already exists` });
  sendJson(res, 200, { ok: true, signed_upload_url: blobUrl(context, entry) });
}

async function finalize(context: ServiceContext, { res }: Exchange, request: Record<string, unknown>): Promise<void> {
  const entry = context.store.find(String(request.key), String(request.version));
  if (!entry) return sendJson(res, 200, { ok: false, message: `no upload of key ${String(request.key)} is in progress` });
  const refusal = await context.store.commit(entry, Number(request.size_bytes));
  if (refusal) return sendJson(res, 200, { ok: false, message: refusal });
  sendJson(res, 200, { ok: true, entry_id: String(entry.id) });
}
