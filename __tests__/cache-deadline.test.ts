/** The cache transfer deadline and stop: only the transfer's own HTTP requests are cut, never work running beside it. */
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { describe, test } from 'node:test';
import { withHttpDeadline } from '../src/cache/deadline.js';
import { useHttpServer } from './support/servers.js';

/** A GET to the slow server: its body, or the error code that ended it. */
function fetchText(url: string): Promise<string> {
  return new Promise((resolve) => {
    get(url, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(body));
      response.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    }).on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

describe('withHttpDeadline', async () => {
  // Answers after 400 ms, like a download under way.
  const { url } = await useHttpServer((_request, response) => void setTimeout(() => response.end('done'), 400));

  test('cuts its own request when the deadline passes, and not a request made beside it', async () => {
    const beside = fetchText(url);
    const { value, stopped } = await withHttpDeadline(100, () => fetchText(url));
    assert.equal(value, 'ETIMEDOUT');
    assert.equal(stopped, 'expired');
    assert.equal(await beside, 'done');
  });

  test('cuts its own request when the signal aborts, and says it was cancelled', async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 50);
    const { value, stopped } = await withHttpDeadline(60_000, () => fetchText(url), stop.signal);
    assert.equal(value, 'ETIMEDOUT');
    assert.equal(stopped, 'cancelled');
  });

  test('leaves a transfer that ends in time alone', async () => {
    assert.deepEqual(await withHttpDeadline(60_000, () => fetchText(url)), { value: 'done' });
  });
});
