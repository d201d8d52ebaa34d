import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { checkToken } from '../src/registry-check.js';

// A real HTTP server on loopback that answers like the registries do, keyed by token.
const GOOD = 'good-token';
const NO_ACCESS = 'no-access-token';
let server: http.Server;
let base: string;
const seen: Array<{ url: string; authorization: string | undefined }> = [];

before(async () => {
  server = http.createServer((request, response) => {
    seen.push({ url: request.url ?? '', authorization: request.headers.authorization });
    const token = request.headers.authorization?.replace(/^Bearer /, '');
    const reply = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (request.url?.startsWith('/down/')) return reply(503, { error: 'maintenance' });
    if (request.url?.startsWith('/nowhoami/-/whoami')) return reply(404, {});
    const path = request.url?.replace(/^\/(nowhoami|strict)\//, '/');
    if (path === '/-/whoami') {
      if (token === GOOD || token === NO_ACCESS) return reply(200, { username: token === GOOD ? 'ci' : 'outsider' });
      return request.url?.startsWith('/strict/') ? reply(401, {}) : reply(200, {});
    }
    if (path === '/@pulumi%2faws') return token === GOOD ? reply(200, { name: '@pulumi/aws' }) : reply(token === NO_ACCESS ? 403 : 401, {});
    return reply(404, {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const rejection = (message: RegExp) => ({ name: 'ActionError', message });

describe('checkToken', () => {
  it('names the user and confirms read access to a scope package', async () => {
    assert.deepEqual(await checkToken(base, GOOD, '@pulumi/aws'), { username: 'ci', checkedPackage: '@pulumi/aws' });
    assert.ok(seen.some((request) => request.url === '/@pulumi%2faws' && request.authorization === `Bearer ${GOOD}`));
  });

  it('calls a token the registry knows no user for rejected (401)', async () => {
    await assert.rejects(checkToken(base, 'bogus', '@pulumi/aws'), rejection(/rejected the token \(401, it knows no user for the token\)/));
    await assert.rejects(checkToken(`${base}strict/`, 'bogus', undefined), rejection(/rejected the token \(401, when asked for who the token belongs to\)/));
  });

  it('tells a valid token without access (403) from a wrong one', async () => {
    await assert.rejects(checkToken(base, NO_ACCESS, '@pulumi/aws'), rejection(/the token is valid but has no access to @pulumi\/aws .* \(403\)/));
  });

  it('reports a registry that is down, with its status', async () => {
    await assert.rejects(checkToken(`${base}down/`, GOOD, undefined), rejection(/answered 503 when asked for who the token belongs to/));
  });

  it('reports a registry that cannot be reached', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(checkToken(`http://127.0.0.1:${port}/`, GOOD, undefined), rejection(/^Token check: the registry http:\/\/127\.0\.0\.1:\d+\/ is unreachable \(ECONNREFUSED\)/));
  });

  it('falls back to the package read when the registry has no whoami endpoint', async () => {
    assert.deepEqual(await checkToken(`${base}nowhoami/`, GOOD, '@pulumi/aws'), { username: undefined, checkedPackage: '@pulumi/aws' });
    await assert.rejects(checkToken(`${base}nowhoami/`, NO_ACCESS, '@pulumi/aws'), rejection(/\(403\)/));
  });
});
