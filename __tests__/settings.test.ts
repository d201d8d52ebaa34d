import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import YAML from 'yaml';
import { MAX_PREFIX_LENGTH } from '../src/cache/key.js';
import { ActionError } from '../src/util/errors.js';
import { ACTION_YML } from '../src/action/inputs.js';
import { INPUT_NAMES, readSettings } from '../src/action/settings.js';

const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'settings-'));
fs.mkdirSync(path.join(workspace, 'infra', 'app'), { recursive: true });
fs.mkdirSync(path.join(workspace, 'infra', 'db'), { recursive: true });
fs.writeFileSync(path.join(workspace, 'README.md'), '# not a folder\n');
after(() => fs.rmSync(workspace, { recursive: true, force: true }));

/** action.yml's inputs and their defaults: the one place defaults are written. */
const declared = (YAML.parse(fs.readFileSync(ACTION_YML, 'utf8')) as { inputs: Record<string, { default?: unknown }> }).inputs;
const defaults: Record<string, string> = Object.fromEntries(Object.entries(declared).map(([name, spec]) => [name, String(spec.default ?? '')]));
const env = { GITHUB_WORKSPACE: workspace, RUNNER_TEMP: '/tmp/runner' };

function settingsWith(inputs: Record<string, string> = {}, extraEnv: NodeJS.ProcessEnv = {}) {
  const all = { ...defaults, ...inputs };
  return readSettings(
    (name) => {
      assert.ok(name in all, `the code read an input action.yml does not declare: ${name}`);
      return all[name]!;
    },
    { ...env, ...extraEnv },
  );
}

async function errorOf(inputs: Record<string, string>, extraEnv: NodeJS.ProcessEnv = {}): Promise<string> {
  try {
    await settingsWith(inputs, extraEnv);
  } catch (error) {
    assert.ok(error instanceof ActionError, `expected an ActionError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('expected the settings to be rejected');
}

describe('readSettings', () => {
  it('reads the defaults the way action.yml declares them', async () => {
    const settings = await settingsWith();
    // Empty: the preset's registry and links, decided once the policy file is read.
    assert.equal(defaults['registry-url'], '');
    assert.equal(settings.registryUrl, undefined);
    assert.equal(settings.preset, undefined);
    assert.equal(settings.scope, defaults['scope']);
    const folder = path.resolve(workspace, defaults['working-directory']!);
    assert.deepEqual(settings.workingDirectories, [{ path: folder, input: defaults['working-directory'], programs: [folder] }]);
    assert.equal(settings.links, undefined);
    assert.equal(settings.install, defaults['install'] === 'true');
    assert.equal(defaults['install-command'], '');
    assert.equal(settings.installCommand, undefined, "empty: each manager's own install");
    assert.equal(settings.packageManager, defaults['package-manager']);
    assert.equal(settings.cache, defaults['cache']);
    assert.equal(settings.ignoreScripts, defaults['ignore-scripts'] === 'true');
    assert.equal(settings.allowUntrusted, defaults['allow-untrusted'] === 'true');
    assert.equal(settings.policy, defaults['policy']);
    assert.equal(settings.policyFile, path.join(workspace, defaults['policy-file']!));
    assert.equal(settings.runnerTemp, '/tmp/runner');
    assert.equal(settings.tokenSource, 'none');
  });

  it('reads exactly the inputs action.yml declares', () => {
    assert.deepEqual(INPUT_NAMES, Object.keys(declared));
  });

  it("gives an input the runner did not pass at all action.yml's default", async () => {
    const asked: string[] = [];
    const unset = await readSettings((name) => void asked.push(name), env);
    assert.deepEqual(asked, INPUT_NAMES, 'every input was read');
    assert.deepEqual(unset, await settingsWith());
  });

  it('takes every default from action.yml, none from the code', async () => {
    // A valid value other than the default, for each input: an action.yml declaring it as the default must be obeyed.
    const others: Record<string, string> = {
      'pulumi-access-token': 'other-token',
      preset: 'current',
      'registry-url': 'https://npm.example.test/',
      scope: '@acme',
      'working-directory': 'infra/app',
      // All zeros: every program, without asking git (the workspace here is no checkout).
      'changed-since': '0'.repeat(40),
      install: 'false',
      'package-manager': 'pnpm',
      'install-command': 'npm ci',
      link: 'pulumi other',
      'link-path': 'infra/db',
      'ignore-scripts': 'true',
      'allow-untrusted': 'true',
      cache: 'restore',
      'cache-key-prefix': 'other',
      policy: 'warn',
      'policy-file': 'policy.yml',
    };
    assert.deepEqual(Object.keys(others), INPUT_NAMES);
    const actionYml = path.join(workspace, 'action.yml');
    for (const [name, other] of Object.entries(others)) {
      fs.writeFileSync(actionYml, YAML.stringify({ inputs: { ...declared, [name]: { default: other } } }));
      const settings = await readSettings((input) => (input === name ? undefined : defaults[input]), env, actionYml);
      assert.deepEqual(settings, await settingsWith({ [name]: other }), `"${name}" unset takes the default of the action.yml given`);
      assert.notDeepEqual(settings, await settingsWith(), name);
    }
    fs.rmSync(actionYml);
  });

  it('reads an empty input as its default where empty means nothing else', async () => {
    const standard = await settingsWith();
    for (const name of ['scope', 'working-directory', 'install', 'ignore-scripts', 'allow-untrusted', 'cache', 'policy', 'policy-file']) {
      assert.deepEqual(await settingsWith({ [name]: ' ' }), standard, name);
    }
  });

  it('says so in one line when an input is missing and action.yml cannot be read', async () => {
    const missing = path.join(workspace, 'no-action.yml');
    await assert.rejects(
      readSettings((name) => (name === 'policy' ? undefined : defaults[name]), env, missing),
      (error: unknown) =>
        error instanceof ActionError && error.message.startsWith(`The runner did not pass the input(s) "policy", and the action's ${missing}`),
    );
  });

  it('prefers the token input over PULUMI_ACCESS_TOKEN, and falls back to it', async () => {
    assert.deepEqual(pick(await settingsWith({ 'pulumi-access-token': ' from-input ' }, { PULUMI_ACCESS_TOKEN: 'from-env' })), ['from-input', 'input']);
    assert.deepEqual(pick(await settingsWith({}, { PULUMI_ACCESS_TOKEN: 'from-env' })), ['from-env', 'environment']);
    function pick(s: { token: string; tokenSource: string }) {
      return [s.token, s.tokenSource];
    }
  });

  it('takes the token the main step was handed in place of the input and the variable', async () => {
    const settings = await readSettings((name) => (name === 'pulumi-access-token' ? 'ignored' : defaults[name]), env, ACTION_YML, {
      value: 'handed',
      source: 'environment',
    });
    assert.deepEqual([settings.token, settings.tokenSource], ['handed', 'environment']);
  });

  for (const [what, token] of [
    ['a line break', 'pul-abc\ndef'],
    ['a carriage return', 'pul-abc\rdef'],
    ['a space', 'pul-abc def'],
    ['a character that is not ASCII', 'pul-abcdéf'],
  ] as const) {
    it(`says the token is malformed, naming where it came from, when it holds ${what}, and never prints it`, async () => {
      const fromInput = await errorOf({ 'pulumi-access-token': token });
      assert.match(fromInput, /^The Pulumi access token in input "pulumi-access-token" is malformed: /);
      const fromEnv = await errorOf({}, { PULUMI_ACCESS_TOKEN: token });
      assert.match(fromEnv, /^The Pulumi access token in the PULUMI_ACCESS_TOKEN variable is malformed: /);
      for (const message of [fromInput, fromEnv]) assert.ok(!message.includes('abc') && !message.includes('def'), message);
    });
  }

  it('does not judge the token when nothing is installed', async () => {
    assert.equal((await settingsWith({ install: 'false', 'pulumi-access-token': 'pul-abc\ndef' })).tokenSource, 'input');
  });

  it('normalises the scope and the registry URL', async () => {
    assert.equal((await settingsWith({ scope: 'pulumi' })).scope, '@pulumi');
    assert.equal((await settingsWith({ 'registry-url': 'https://registry.example.com/npm' })).registryUrl, 'https://registry.example.com/npm/');
  });

  it('splits several working directories and links', async () => {
    const settings = await settingsWith({ 'working-directory': 'infra/app\n\n  infra/db  \n', link: 'pulumi\n@acme/shared  other' });
    assert.deepEqual(
      settings.workingDirectories.map((d) => d.input),
      ['infra/app', 'infra/db'],
    );
    assert.deepEqual(
      settings.workingDirectories.map((d) => d.path),
      [path.join(workspace, 'infra/app'), path.join(workspace, 'infra/db')],
    );
    assert.deepEqual(settings.links, ['pulumi', '@acme/shared', 'other']);
    assert.equal((await settingsWith({ link: '' })).links, undefined);
    assert.deepEqual((await settingsWith({ link: ' none ' })).links, []);
    assert.equal((await settingsWith({ preset: ' current ' })).preset, 'current');
  });

  it('warns, without failing, when the token would travel over plain http to another host', async () => {
    assert.match((await settingsWith({ 'registry-url': 'http://npm.example.com/' })).warnings.join('\n'), /clear text/);
    assert.deepEqual((await settingsWith({ 'registry-url': 'http://127.0.0.1:4873/' })).warnings, []);
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
    ['an unknown preset', { preset: 'pulumi-0.11' }, /^Input "preset" is "pulumi-0\.11": use "pulumi-0\.10", "current", "auto"/],
    ['a link that is not a package name', { link: 'Pulumi!' }, /^Input "link" lists "Pulumi!", which is not an npm package name/],
    ['an unknown package manager', { 'package-manager': 'deno' }, /^Input "package-manager" is "deno": use one of "auto", "npm", "pnpm", "yarn", "bun"/],
    ['a cache key prefix with a comma', { 'cache-key-prefix': 'a,b' }, /^cache-key-prefix "a,b" contains a comma/],
    ['a cache key prefix too long for any key', { 'cache-key-prefix': 'x'.repeat(MAX_PREFIX_LENGTH + 1) }, /^cache-key-prefix is too long/],
    // Checked before anything runs: with the cache off, and with no token.
    ['a cache key prefix with the cache off', { cache: 'false', 'cache-key-prefix': 'a,b' }, /^cache-key-prefix "a,b" contains a comma/],
  ];
  for (const [what, inputs, message] of rejected) {
    it(`rejects ${what} with a message naming the input`, async () => {
      assert.match(await errorOf(inputs), message);
    });
  }

  it("reads an empty install command as each manager's own install", async () => {
    assert.equal((await settingsWith({ 'install-command': '  ' })).installCommand, undefined);
    assert.equal((await settingsWith({ 'install-command': 'npm ci' })).installCommand, 'npm ci');
  });
});
