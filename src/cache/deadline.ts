import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

const REQUEST_START = 'http.client.request.start';

/** How a transfer ended early: its deadline passed, or the caller gave up on it (the run failed meanwhile). */
export type TransferStop = 'expired' | 'cancelled';

/**
 * Runs `work` and, once `ms` have passed or `signal` aborts, aborts every HTTP request it still has open or opens
 * later, with an ETIMEDOUT error, for a client that takes no abort signal: Node announces each client request on a
 * diagnostics channel. Only the requests `work` makes count (by async context): the token check may run beside it.
 * A download aborted this way never reaches the extraction.
 */
export async function withHttpDeadline<T>(ms: number, work: () => Promise<T>, signal?: AbortSignal): Promise<{ value: T; stopped?: TransferStop }> {
  const ownRequests = new AsyncLocalStorage<true>();
  const open = new Set<ClientRequest>();
  let stopped: TransferStop | undefined;
  const abort = (request: ClientRequest) => {
    const why = stopped === 'cancelled' ? 'cache transfer cancelled' : `cache transfer exceeded ${ms} ms`;
    request.destroy(Object.assign(new Error(why), { code: 'ETIMEDOUT' }));
  };
  const onRequest = (message: unknown) => {
    if (!ownRequests.getStore()) return;
    const { request } = message as { request: ClientRequest };
    if (stopped) {
      abort(request);
      return;
    }
    open.add(request);
    request.once('close', () => open.delete(request));
  };
  const stop = (why: TransferStop) => {
    stopped ??= why;
    for (const request of open) abort(request);
  };
  const onAbort = () => stop('cancelled');
  subscribe(REQUEST_START, onRequest);
  const timer = setTimeout(() => stop('expired'), ms);
  if (signal?.aborted) stop('cancelled');
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const value = await ownRequests.run(true, work);
    return stopped ? { value, stopped } : { value };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    unsubscribe(REQUEST_START, onRequest);
  }
}
