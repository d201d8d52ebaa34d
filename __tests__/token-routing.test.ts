import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appliedSettings } from '../src/package-managers/npm/token-routing.js';

describe('appliedSettings', () => {
  it('keeps the settings npm applies, with their source, and leaves out defaults and overridden lines', () => {
    const listing = [
      '; "default" config from default values',
      '',
      '_auth = (protected)',
      'registry = "https://registry.npmjs.org/"',
      '; "user" config from /tmp/t/.npmrc',
      '',
      '; @pulumi:registry = "https://npmjs.pulumi.com/" ; overridden by project',
      '//npmjs.pulumi.com/:_authToken = (protected)',
      '; "project" config from /repo/.npmrc',
      '',
      '@pulumi:registry = "https://elsewhere.example/"',
      '; "env" config from environment',
      '',
      '//x.example/:_authToken = (protected)',
    ].join('\n');
    assert.deepEqual(appliedSettings(listing), [
      { key: '//npmjs.pulumi.com/:_authToken', value: '(protected)', source: '/tmp/t/.npmrc' },
      { key: '@pulumi:registry', value: '"https://elsewhere.example/"', source: '/repo/.npmrc' },
      { key: '//x.example/:_authToken', value: '(protected)', source: 'environment' },
    ]);
  });
});
