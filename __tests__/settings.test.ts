import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { ActionError } from '../src/errors.js';
import { readSettings } from '../src/settings.js';

const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'settings-'));
fs.mkdirSync(path.join(workspace, 'infra', 'app'), { recursive: true });
fs.mkdirSync(path.join(workspace, 'infra', 'db'), { recursive: true });
fs.writeFileSync(path.join(workspace, 'README.md'), '# not a folder\n');
after(() => fs.rmSync(workspace, { recursive: true, force: true }));

const defaults: Record<string, string> = {
  'pulumi-access-token': '',
  'registry-url': 'https://npmjs.pulumi.com/',
  scope: '@pulumi',
  'working-directory': '.',
  install: 'true',
  'install-command': 'npm install',
  link: 'pulumi',
  'link-path': '',
  'ignore-scripts': 'true',
  'allow-untrusted': 'false',
  cache: 'true',
  'cache-key-prefix': '',
  policy: 'error',
  'policy-file': '.github/pulumi-npm-policy.yml',
};

function settingsWith(inputs: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}) {
  const all = { ...defaults, ...inputs };
  return readSettings(
    (name) => {
      assert.ok(name in all, `the code read an input action.yml does not declare: ${name}`);
      return all[name]!;
    },
    { GITHUB_WORKSPACE: workspace, RUNNER_TEMP: '/tmp/runner', ...env },
  );
}

function errorOf(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}): string {
  try {
    settingsWith(inputs, env);
  } catch (error) {
    assert.ok(error instanceof ActionError, `expected an ActionError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('expected the settings to be rejected');
}

describe('readSettings', () => {
  it('reads the defaults the way action.yml declares them', () => {
    const settings = settingsWith();
    assert.equal(settings.registryUrl, 'https://npmjs.pulumi.com/');
    assert.equal(settings.scope, '@pulumi');
    assert.deepEqual(settings.workingDirectories, [{ path: workspace, input: '.' }]);
    assert.deepEqual(settings.links, ['pulumi']);
    assert.equal(settings.install, true);
    assert.equal(settings.cache, 'true');
    assert.equal(settings.ignoreScripts, true);
    assert.equal(settings.allowUntrusted, false);
    assert.equal(settings.policy, 'error');
    assert.equal(settings.policyFile, path.join(workspace, '.github/pulumi-npm-policy.yml'));
    assert.equal(settings.runnerTemp, '/tmp/runner');
    assert.equal(settings.tokenSource, 'none');
  });

  it('prefers the token input over PULUMI_ACCESS_TOKEN, and falls back to it', () => {
    assert.deepEqual(pick(settingsWith({ 'pulumi-access-token': ' from-input ' }, { PULUMI_ACCESS_TOKEN: 'from-env' })), ['from-input', 'input']);
    assert.deepEqual(pick(settingsWith({}, { PULUMI_ACCESS_TOKEN: 'from-env' })), ['from-env', 'environment']);
    function pick(s: { token: string; tokenSource: string }) {
      return [s.token, s.tokenSource];
    }
  });

  it('normalises the scope and the registry URL', () => {
    assert.equal(settingsWith({ scope: 'pulumi' }).scope, '@pulumi');
    assert.equal(settingsWith({ 'registry-url': 'https://registry.example.com/npm' }).registryUrl, 'https://registry.example.com/npm/');
  });

  it('splits several working directories and links', () => {
    const settings = settingsWith({ 'working-directory': 'infra/app\n\n  infra/db  \n', link: 'pulumi\n@acme/shared  other' });
    assert.deepEqual(
      settings.workingDirectories.map((d) => d.input),
      ['infra/app', 'infra/db'],
    );
    assert.deepEqual(
      settings.workingDirectories.map((d) => d.path),
      [path.join(workspace, 'infra/app'), path.join(workspace, 'infra/db')],
    );
    assert.deepEqual(settings.links, ['pulumi', '@acme/shared', 'other']);
    assert.deepEqual(settingsWith({ link: '' }).links, []);
  });

  it('warns, without failing, when the token would travel over plain http to another host', () => {
    assert.match(settingsWith({ 'registry-url': 'http://npm.example.com/' }).warnings.join('\n'), /clear text/);
    assert.deepEqual(settingsWith({ 'registry-url': 'http://127.0.0.1:4873/' }).warnings, []);
  });

  const rejected: Array<[string, Record<string, string>, RegExp]> = [
    ['an unknown policy', { policy: 'strict' }, /^Input "policy" is "strict": use one of "error", "warn", "off"\.$/],
    ['an unknown cache mode', { cache: 'yes' }, /^Input "cache" is "yes": use one of "true", "false", "restore"\.$/],
    ['a non-boolean install', { install: 'maybe' }, /^Input "install" is "maybe": use "true" or "false"\.$/],
    ['a non-boolean ignore-scripts', { 'ignore-scripts': 'yes' }, /^Input "ignore-scripts" is "yes": use "true" or "false"\.$/],
    ['a registry that is not a URL', { 'registry-url': 'npmjs.pulumi.com' }, /^Input "registry-url" is "npmjs\.pulumi\.com", which is not a URL/],
    ['a registry with a query string', { 'registry-url': 'https://r.example.com/?token=x' }, /^Input "registry-url" .*remove the query string/],
    ['a registry of another protocol', { 'registry-url': 'ftp://r.example.com/' }, /only http:\/\/ and https:\/\//],
    ['a scope with upper case', { scope: '@Pulumi' }, /^Input "scope" is "@Pulumi", which is not an npm scope/],
    ['a scope with spaces', { scope: '@pu lumi' }, /^Input "scope" is "@pu lumi"/],
    [
      'a folder outside the workspace',
      { 'working-directory': '../elsewhere' },
      /^Input "working-directory" lists "\.\.\/elsewhere", which is outside the workspace/,
    ],
    ['an absolute folder elsewhere', { 'working-directory': '/etc' }, /^Input "working-directory" lists "\/etc", which is outside the workspace/],
    ['a missing folder', { 'working-directory': 'infra/nope' }, /^Input "working-directory" lists "infra\/nope", which does not exist/],
    ['a file', { 'working-directory': 'README.md' }, /^Input "working-directory" lists "README\.md", which is a file/],
    ['a folder listed twice', { 'working-directory': 'infra/app\n./infra/app' }, /lists the same folder twice \("infra\/app" and "\.\/infra\/app"\)/],
    ['a link that is not a package name', { link: 'Pulumi!' }, /^Input "link" lists "Pulumi!", which is not an npm package name/],
    ['an empty install command', { 'install-command': '  ' }, /^Input "install-command" is empty/],
  ];
  for (const [what, inputs, message] of rejected) {
    it(`rejects ${what} with a message naming the input`, () => {
      assert.match(errorOf(inputs), message);
    });
  }

  it('accepts an empty install command when install is false', () => {
    assert.equal(settingsWith({ install: 'false', 'install-command': '' }).install, false);
  });
});
