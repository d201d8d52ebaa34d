import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listedSettings } from '../src/package-managers/npm/config-check.js';
import { runnerProxy } from '../src/token/credential-proxy-session.js';

describe('listedSettings', () => {
  it('keeps every layer but the defaults, overridden lines included, with their layer and source', () => {
    const listing = [
      '; "default" config from default values',
      '',
      '_auth = (protected)',
      '; proxy = null ; overridden by project',
      '; "user" config from /tmp/t/.npmrc',
      '',
      '; @pulumi:registry = "https://npmjs.pulumi.com/" ; overridden by project',
      'https-proxy = "http://corp:3128/"',
      '; "project" config from /repo/.npmrc',
      '',
      '@pulumi:registry = "https://elsewhere.example/"',
      '; proxy = "http://127.0.0.1:5/" ; overridden by env',
      '; a comment = that npm never prints',
    ].join('\n');
    assert.deepEqual(listedSettings(listing), [
      { key: '@pulumi:registry', value: '"https://npmjs.pulumi.com/"', layer: 'user', source: '/tmp/t/.npmrc', overridden: true },
      { key: 'https-proxy', value: '"http://corp:3128/"', layer: 'user', source: '/tmp/t/.npmrc', overridden: false },
      { key: '@pulumi:registry', value: '"https://elsewhere.example/"', layer: 'project', source: '/repo/.npmrc', overridden: false },
      { key: 'proxy', value: '"http://127.0.0.1:5/"', layer: 'project', source: '/repo/.npmrc', overridden: true },
    ]);
  });
});

describe('runnerProxy', () => {
  it("uses the manager config's proxy unless its noproxy (else NO_PROXY) names the host", () => {
    const via = runnerProxy({ httpsProxy: 'http://corp:3128/', noProxy: '.internal.example,registry.example:8443' }, {});
    assert.equal(via(new URL('https://npmjs.pulumi.com/x'))?.href, 'http://corp:3128/');
    assert.equal(via(new URL('https://a.internal.example/')), undefined);
    assert.equal(via(new URL('https://registry.example:8443/')), undefined);
    assert.equal(via(new URL('https://registry.example/'))?.href, 'http://corp:3128/');
    assert.equal(runnerProxy({ httpProxy: 'http://corp:80/' }, { NO_PROXY: '*' })(new URL('http://x.example/')), undefined);
  });
});
