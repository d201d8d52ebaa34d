import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainNpmFailure, npmEnvironment, withoutPeerInstall } from '../src/package-managers/npm/npm.js';

describe('npmEnvironment', () => {
  it('points npm at the credential proxy and its install config, never the token, and keeps inputs and competing settings out', () => {
    const env = npmEnvironment(
      {
        PATH: '/bin',
        'INPUT_PULUMI-ACCESS-TOKEN': 'secret',
        PULUMI_ACCESS_TOKEN: 'secret',
        INPUT_LINK: 'pulumi',
        npm_config_userconfig: '/elsewhere',
        NPM_CONFIG_HTTPS_PROXY: 'http://corp:3128/',
        NO_PROXY: '127.0.0.1',
        npm_config_cafile: '/corp.pem',
        NPM_CONFIG_LEGACY_PEER_DEPS: 'false',
        HOME: '/home/u',
      },
      {
        proxyUrl: 'http://127.0.0.1:4873',
        configFile: '/runner/temp/setup-pulumi-npm-x/install.npmrc',
        certificates: { extraCaFile: '/runner/temp/setup-pulumi-npm-x/extra.pem', caFile: '/runner/temp/setup-pulumi-npm-x/cafile.pem' },
      },
    );
    assert.deepEqual(env, {
      PATH: '/bin',
      HOME: '/home/u',
      npm_config_fetch_retries: '2',
      npm_config_fetch_retry_factor: '2',
      npm_config_fetch_retry_mintimeout: '1000',
      npm_config_fetch_retry_maxtimeout: '4000',
      NPM_CONFIG_USERCONFIG: '/runner/temp/setup-pulumi-npm-x/install.npmrc',
      npm_config_https_proxy: 'http://127.0.0.1:4873',
      npm_config_proxy: 'http://127.0.0.1:4873',
      npm_config_noproxy: '',
      NODE_EXTRA_CA_CERTS: '/runner/temp/setup-pulumi-npm-x/extra.pem',
      npm_config_cafile: '/runner/temp/setup-pulumi-npm-x/cafile.pem',
    });
  });

  it('keeps a token of the job out of npm when nothing routes the scope, and leaves npm its own config', () => {
    const env = npmEnvironment(
      { PATH: '/bin', PULUMI_ACCESS_TOKEN: 'backend-token', 'INPUT_PULUMI-ACCESS-TOKEN': 'secret', npm_config_userconfig: '/u' },
      undefined,
    );
    assert.deepEqual(env, {
      PATH: '/bin',
      npm_config_userconfig: '/u',
      npm_config_fetch_retries: '2',
      npm_config_fetch_retry_factor: '2',
      npm_config_fetch_retry_mintimeout: '1000',
      npm_config_fetch_retry_maxtimeout: '4000',
    });
  });

  it("bounds npm's and pnpm's retries, unless the job sets them itself", () => {
    const env = npmEnvironment({ PATH: '/bin', NPM_CONFIG_FETCH_RETRIES: '5' }, undefined);
    assert.equal(env['NPM_CONFIG_FETCH_RETRIES'], '5');
    assert.equal(env['npm_config_fetch_retries'], undefined);
    assert.equal(env['npm_config_fetch_retry_maxtimeout'], '4000');
  });

  it('turns off the automatic peer install for the install command only', () => {
    const base = { PATH: '/bin' };
    assert.deepEqual(withoutPeerInstall(base), { PATH: '/bin', npm_config_legacy_peer_deps: 'true' });
    assert.deepEqual(base, { PATH: '/bin' });
  });
});

describe('explainNpmFailure', () => {
  const explain = (stderr: string) => explainNpmFailure('npm install', 'infra', { exitCode: 1, stdout: '', stderr }, 'https://npmjs.pulumi.com/').message;

  it('says which credential problem npm hit', () => {
    assert.match(
      explain('npm error code E401\nnpm error 401 Unauthorized - GET https://npmjs.pulumi.com/@pulumi%2faws'),
      /^"npm install" failed in infra \(exit code 1\): the registry rejected the credentials \(401\)/,
    );
    assert.match(explain('npm error code E403\nnpm error 403 Forbidden'), /access denied \(403\)/);
  });

  it('names the package a 404 was for, as npm 11 says it', () => {
    assert.match(
      explain(
        "npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/nope\nnpm error 404\nnpm error 404  The requested resource 'nope@^1.0.0' could not be found or you do not have permission to access it.",
      ),
      /: nope@\^1\.0\.0 was not found \(404\)/,
    );
  });

  it('names the package a 404 was for, as older npm says it', () => {
    assert.match(
      explain(
        "npm error code E404\nnpm error 404 Not Found - GET http://127.0.0.1:4873/pulumi - no such package available\nnpm error 404\nnpm error 404  'pulumi@latest' is not in this registry.",
      ),
      /: pulumi@latest was not found \(404\)/,
    );
  });

  it('says when a signal killed the command', () => {
    const message = explainNpmFailure('npm ci', 'infra', { exitCode: null, stdout: '', stderr: '' }, 'https://npmjs.pulumi.com/').message;
    assert.match(message, /^"npm ci" in infra was killed before it finished \(by a signal/);
  });

  it("points at npm's own log for anything else", () => {
    assert.equal(
      explain('npm error code ERESOLVE'),
      '"npm install" failed in infra (exit code 1): npm could not resolve the dependency tree ' +
        "(ERESOLVE). Align the conflicting versions in package.json; npm's explanation is in the log above.",
    );
    assert.equal(
      explain('npm error code EINTEGRITY'),
      '"npm install" failed in infra (exit code 1) with npm error EINTEGRITY. npm\'s output is in the log above.',
    );
    assert.equal(explain('Killed'), '"npm install" failed in infra (exit code 1). npm\'s output is in the log above.');
  });
});
