import { readFile, rm, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { sendError } from './cache-exchange.js';
import type { CacheFault, Exchange, Route, ServiceContext } from './cache-exchange.js';
import type { StoredEntry } from './cache-store.js';

/**
 * The signed archive URLs: the Azure Blob calls the SDK makes to upload (Put Blob; Put Block + Put Block List
 * above 128 MiB) and the plain GET it downloads with.
 */
export function blobRoute(context: ServiceContext, method: string, url: URL): Route | undefined {
  const id = /^\/testaccount\/caches\/entry-(\d+)$/.exec(url.pathname)?.[1];
  if (!id) return undefined;
  const signed = (handle: (exchange: Exchange, entry: StoredEntry) => Promise<void>) => async (exchange: Exchange) => {
    const entry = context.store.get(Number(id));
    if (url.searchParams.get('sig') !== context.signature) return sendError(exchange.res, 'blob', 403, 'signature mismatch');
    if (!entry) return sendError(exchange.res, 'blob', 404, 'The specified blob does not exist.');
    await handle(exchange, entry);
  };
  if (method === 'PUT') return { operation: 'upload', dialect: 'blob', handle: signed(upload) };
  if (method === 'GET') return { operation: 'download', dialect: 'blob', handle: signed(download) };
  return undefined;
}

async function upload(exchange: Exchange, entry: StoredEntry): Promise<void> {
  const { req, res, url, body } = exchange;
  if (entry.committed) return sendError(res, 'blob', 409, 'The blob is committed and cannot change.');
  const operation = url.searchParams.get('comp');
  if (operation === 'block') {
    const blockId = url.searchParams.get('blockid');
    if (!blockId) return sendError(res, 'blob', 400, 'blockid is required');
    await writeFile(blockPath(entry, blockId), body);
  } else if (operation === 'blocklist') {
    const blockIds = [...body.toString('utf8').matchAll(/<(Latest|Committed|Uncommitted)>([^<]*)<\/\1>/g)].map((match) => match[2] ?? '');
    const blocks = await Promise.all(blockIds.map((blockId) => readFile(blockPath(entry, blockId))));
    await writeFile(entry.archivePath, Buffer.concat(blocks));
    await Promise.all(blockIds.map((blockId) => rm(blockPath(entry, blockId), { force: true })));
  } else if (req.headers['x-ms-blob-type'] === 'BlockBlob') {
    await writeFile(entry.archivePath, body);
  } else {
    return sendError(res, 'blob', 400, 'x-ms-blob-type must be BlockBlob');
  }
  res.writeHead(201, {
    ETag: `"0x${entry.id.toString(16).padStart(15, '0')}"`,
    'Last-Modified': new Date().toUTCString(),
    'x-ms-request-id': `request-${entry.id}`,
    'x-ms-version': '2024-08-04',
    'x-ms-request-server-encrypted': 'true',
    'Content-Length': 0,
  });
  res.end();
}

function blockPath(entry: StoredEntry, blockId: string): string {
  return `${entry.archivePath}.block-${Buffer.from(blockId, 'base64').toString('hex')}`;
}

async function download({ res, fault }: Exchange, entry: StoredEntry): Promise<void> {
  if (!entry.committed) return sendError(res, 'blob', 404, 'The specified blob does not exist.');
  const archive = await readFile(entry.archivePath);
  const served = damaged(archive, fault);
  const headers = { 'Content-Type': 'application/octet-stream', 'x-ms-blob-type': 'BlockBlob' };
  if (fault?.kind === 'reset') return resetHalfway(res, headers, archive);
  res.writeHead(200, { ...headers, 'Content-Length': served.length });
  res.end(served);
}

/** The archive as a fault serves it: cut in half (with a matching length), or with its second half inverted. */
function damaged(archive: Buffer, fault: CacheFault | undefined): Buffer {
  const half = Math.floor(archive.length / 2);
  if (fault?.kind === 'truncate') return archive.subarray(0, half);
  if (fault?.kind !== 'corrupt') return archive;
  const copy = Buffer.from(archive);
  for (let index = half; index < copy.length; index++) copy[index] = (copy[index] ?? 0) ^ 0xff;
  return copy;
}

/** Announces the whole archive, sends half of it, and drops the connection. */
function resetHalfway(res: ServerResponse, headers: Record<string, string>, archive: Buffer): void {
  res.writeHead(200, { ...headers, 'Content-Length': archive.length });
  res.write(archive.subarray(0, Math.floor(archive.length / 2)), () => res.destroy());
}
