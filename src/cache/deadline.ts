import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

const REQUEST_START = 'http.client.request.start';

/**
 * Runs `work` and, once `ms` have passed, aborts every HTTP request it still has open or opens later, with an
 * ETIMEDOUT error, for a client that takes no abort signal: Node announces each client request on a diagnostics
 * channel. A download aborted this way never reaches the extraction.
 */
export async function withHttpDeadline<T>(ms: number, work: () => Promise<T>): Promise<{ value: T; expired: boolean }> {
  const open = new Set<ClientRequest>();
  let expired = false;
  const abort = (request: ClientRequest) => request.destroy(Object.assign(new Error(`cache transfer exceeded ${ms} ms`), { code: 'ETIMEDOUT' }));
  const onRequest = (message: unknown) => {
    const { request } = message as { request: ClientRequest };
    if (expired) {
      abort(request);
      return;
    }
    open.add(request);
    request.once('close', () => open.delete(request));
  };
  subscribe(REQUEST_START, onRequest);
  const timer = setTimeout(() => {
    expired = true;
    for (const request of open) abort(request);
  }, ms);
  try {
    return { value: await work(), expired };
  } finally {
    clearTimeout(timer);
    unsubscribe(REQUEST_START, onRequest);
  }
}
