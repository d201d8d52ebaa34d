import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CacheStore, StoredEntry } from './cache-store.js';

/** The cache operations a fault can target, whichever protocol carries them. */
export type CacheOperation = 'lookup' | 'reserve' | 'upload' | 'commit' | 'download';

/** The stable prefix the real service puts before a policy refusal of a reservation (read-only token). */
export const WRITE_DENIED = 'cache write denied:';

/** How an endpoint reports an error: v1 JSON, Twirp JSON, Azure Blob XML, or plain text. */
export type ErrorDialect = 'v1' | 'twirp' | 'blob';

export interface CacheFault {
  /**
   * status: answer with `status`; delay: answer `delayMs` late; reset: drop the connection (a download: halfway
   * through the body); truncate / corrupt (download): serve the first half / a damaged copy of the archive;
   * already-exists / write-denied (reserve): refuse the reservation the way the real service does.
   */
  kind: 'status' | 'delay' | 'reset' | 'truncate' | 'corrupt' | 'already-exists' | 'write-denied';
  on: CacheOperation;
  status?: number;
  delayMs?: number;
  /** How many requests it hits; every request until cleared when unset. */
  times?: number;
}

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  body: Buffer;
  /** A fault the handler itself must act out (truncate, corrupt, reset of a download; refusals of a reservation). */
  fault?: CacheFault;
}

export interface Route {
  operation: CacheOperation;
  dialect: ErrorDialect;
  handle(exchange: Exchange): Promise<void>;
}

/** What every protocol handler shares: the entries, the address, and the secrets it checks. */
export interface ServiceContext {
  store: CacheStore;
  baseUrl: string;
  runtimeToken: string;
  signature: string;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Sends a failure the way the endpoint's real counterpart does, so the SDK parses it as it would in production. */
export function sendError(res: ServerResponse, dialect: ErrorDialect, status: number, message: string): void {
  if (dialect === 'v1') return sendJson(res, status, { message, typeKey: 'TestCacheServiceException' });
  if (dialect === 'twirp') return sendJson(res, status, { code: twirpCode(status), msg: message });
  const xml = `<?xml version="1.0" encoding="utf-8"?><Error><Code>TestFault</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, { 'Content-Type': 'application/xml', 'x-ms-error-code': 'TestFault', 'Content-Length': Buffer.byteLength(xml) });
  res.end(xml);
}

function twirpCode(status: number): string {
  const codes: Record<number, string> = {
    400: 'invalid_argument',
    401: 'unauthenticated',
    403: 'permission_denied',
    404: 'not_found',
    409: 'already_exists',
    412: 'failed_precondition',
    429: 'resource_exhausted',
    500: 'internal',
    501: 'unimplemented',
    503: 'unavailable',
    504: 'deadline_exceeded',
  };
  return codes[status] ?? 'unknown';
}

export function hasRuntimeToken(exchange: Exchange, context: ServiceContext): boolean {
  return exchange.req.headers.authorization === `Bearer ${context.runtimeToken}`;
}

/** The signed address of an entry's archive: an IP-style Azure Blob URL (account/container/blob), served here. */
export function blobUrl(context: ServiceContext, entry: StoredEntry): string {
  return `${context.baseUrl}/testaccount/caches/entry-${entry.id}?sv=2024-08-04&sig=${context.signature}`;
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A JSON object body, or undefined when the body is not one (the handler then answers 400). */
export function parseJson(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
