/** The test servers' lifetime: on loopback, stopped when the scope that started them ends; stopping cuts connections. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useHttpServer } from './support/servers.js';

const refused = (error: unknown) => (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';

describe('useHttpServer', () => {
  test('answers on 127.0.0.1, and is stopped when the test that started it ends', async (t) => {
    let url = '';
    await t.test('the scope', async () => {
      const server = await useHttpServer((_request, response) => response.end('hello'));
      url = server.url;
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.equal(await (await fetch(url, { signal: AbortSignal.timeout(5_000) })).text(), 'hello');
    });
    await assert.rejects(fetch(url, { signal: AbortSignal.timeout(5_000) }), refused);
  });

  test('stops at once though a request waits for an answer, and a second stop is the same stop', async () => {
    let arrived: () => void = () => {};
    const waiting = new Promise<void>((resolve) => (arrived = resolve));
    const server = await useHttpServer(() => arrived());
    const answer = fetch(server.url, { signal: AbortSignal.timeout(5_000) }).then(
      () => 'answered',
      (error: Error) => error.name,
    );
    await waiting;
    await Promise.all([server.stop(), server.stop()]);
    assert.equal(await answer, 'TypeError', 'the connection was cut, not timed out');
  });
});
