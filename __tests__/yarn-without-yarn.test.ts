// The yarn row's parts that run no yarn: its environment, its reading of yarn's failures, lockfile and configs.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { yarnEnvironment } from '../src/package-managers/yarn/environment.js';
import { yarn } from '../src/package-managers/yarn/index.js';
import { explainYarnFailure } from '../src/package-managers/yarn/failure.js';
import { isInstalledTreeCurrent } from '../src/package-managers/yarn/verify-tree.js';
import { classicLockfileEntries } from '../src/package-managers/yarn/classic-lockfile.js';

const BOUNDED_RETRIES = {
  npm_config_fetch_retries: '2',
  npm_config_fetch_retry_factor: '2',
  npm_config_fetch_retry_mintimeout: '1000',
  npm_config_fetch_retry_maxtimeout: '4000',
};

describe('yarnEnvironment', () => {
  it('points both yarn generations at the credential proxy and the action home, never the token, and keeps the user caches', () => {
    const env = yarnEnvironment(
      {
        PATH: '/bin',
        HOME: '/home/u',
        'INPUT_PULUMI-ACCESS-TOKEN': 'secret',
        PULUMI_ACCESS_TOKEN: 'secret',
        npm_config_userconfig: '/elsewhere',
        NPM_CONFIG_HTTPS_PROXY: 'http://corp:3128/',
        YARN_HTTPS_PROXY: 'http://corp:3128/',
        YARN_PROXY: 'http://corp:3128/',
        NO_PROXY: '127.0.0.1',
      },
      {
        proxyUrl: 'http://127.0.0.1:4873',
        configFile: '/runner/temp/setup-pulumi-npm-x/home/.npmrc',
        certificates: { extraCaFile: '/runner/temp/x/extra.pem', caFile: '/runner/temp/x/cafile.pem' },
      },
    );
    assert.deepEqual(env, {
      PATH: '/bin',
      HOME: '/runner/temp/setup-pulumi-npm-x/home',
      NPM_CONFIG_USERCONFIG: '/runner/temp/setup-pulumi-npm-x/home/.npmrc',
      npm_config_https_proxy: 'http://127.0.0.1:4873',
      npm_config_proxy: 'http://127.0.0.1:4873',
      npm_config_noproxy: '',
      YARN_HTTPS_PROXY: 'http://127.0.0.1:4873',
      YARN_HTTP_PROXY: 'http://127.0.0.1:4873',
      GIT_CONFIG_GLOBAL: '/home/u/.gitconfig',
      ...(process.platform === 'linux' && { XDG_CACHE_HOME: '/home/u/.cache' }),
      NODE_EXTRA_CA_CERTS: '/runner/temp/x/extra.pem',
      npm_config_cafile: '/runner/temp/x/cafile.pem',
      YARN_HTTPS_CA_FILE_PATH: '/runner/temp/x/cafile.pem',
      // npm's bounded retries (the environment is npm's, for yarn 1's calls to npm): harmless to yarn.
      ...BOUNDED_RETRIES,
    });
  });

  it('leaves yarn its own config when nothing is routed, the token and inputs out', () => {
    assert.deepEqual(yarnEnvironment({ PATH: '/bin', PULUMI_ACCESS_TOKEN: 't', INPUT_LINK: 'pulumi', YARN_HTTPS_PROXY: 'http://corp/' }, undefined), {
      PATH: '/bin',
      YARN_HTTPS_PROXY: 'http://corp/',
      ...BOUNDED_RETRIES,
    });
  });
});

describe('explainYarnFailure', () => {
  const explain = (stdout: string) => explainYarnFailure('yarn install --immutable', 'infra', { exitCode: 1, stdout, stderr: '' }, 'https://r/').message;

  it("names yarn 2+'s first error when it colours its lines on a runner, not the summary before it", () => {
    // As yarn 4.18 printed it with GITHUB_ACTIONS set: a blue ➤ for information, a red one for an error.
    const [info, error, code] = ['\x1b[94m➤\x1b[39m', '\x1b[91m➤\x1b[39m', (text: string) => `\x1b[38;5;173m${text}\x1b[39m`];
    const printed = [
      `${info} YN0085: │ \x1b[38;5;70m+\x1b[39m ${code('fixture-utils')}@npm:1.1.0::__archiveUrl=http%3A%2F%2Flocalhost%3A32837%2Ff.tgz, and 1 more.`,
      `${info} \x1b[90mYN0000\x1b[39m: └ Completed`,
      `${error} YN0081: │ ${code('fixture-utils')}@npm:1.1.0: Unsafe http requests must be explicitly whitelisted in your configuration (localhost)`,
      `${error} YN0000: · Failed with errors in 0s 153ms`,
    ].join('\n');
    assert.match(
      explain(printed),
      /: fixture-utils@npm:1\.1\.0: Unsafe http requests must be explicitly whitelisted in your configuration \(localhost\)\. yarn's output/,
    );
  });

  it("reads yarn 2+'s codes", () => {
    assert.match(
      explain('➤ YN0028: │ The lockfile would have been modified by this install, which is explicitly forbidden.'),
      /yarn\.lock does not match package\.json/,
    );
    assert.match(explain('➤ YN0041: │ @pulumi/aws@npm:0.10.1: Invalid authentication (as an anonymous user)'), /rejected the credentials \(401\)/);
    assert.match(
      explain('➤ YN0035: │ @pulumi/nope@npm:^1.0.0: Package not found'),
      /a package was not found \(404: @pulumi\/nope@npm:\^1\.0\.0: Package not found\)/,
    );
    assert.match(
      explain("➤ YN0009: │ fixture-native@npm:1.0.0 couldn't be built successfully (exit code 1, logs can be found here: /tmp/b.log)"),
      /an install script failed/,
    );
    assert.match(
      explain('Usage Error: Unrecognized or legacy configuration settings found: proxy (in <environment>)'),
      /: Unrecognized or legacy configuration settings found: proxy \(in <environment>\)\. yarn's output/,
    );
    assert.match(explain('➤ YN0016: │ @pulumi/aws@npm:^0.10.0: All versions satisfying "^0.10.0" are quarantined'), /npmMinimalAgeGate/);
  });

  it("reads yarn 1's error lines", () => {
    const classic = (line: string) =>
      explainYarnFailure('yarn install --frozen-lockfile', 'infra', { exitCode: 1, stdout: '', stderr: line }, 'https://r/').message;
    assert.match(classic('error Your lockfile needs to be updated, but yarn was run with `--frozen-lockfile`.'), /yarn\.lock does not match/);
    assert.match(classic('error An unexpected error occurred: "https://r/@pulumi%2faws: Request failed \\"403 Forbidden\\"".'), /access denied \(403\)/);
    assert.match(classic('error Couldn\'t find package "nope" on the "npm" registry.'), /not found \(404/);
    assert.equal(
      classic('error Something else entirely.'),
      '"yarn install --frozen-lockfile" failed in infra (exit code 1): Something else entirely. yarn\'s output is in the log above.',
    );
  });
});

describe('classicLockfileEntries', () => {
  it('lists every pattern of a block with its URL, as .yarn-integrity does', () => {
    const text =
      '# yarn lockfile v1\n\n\n"@a/b@^1.0.0", "@a/b@^1.1.0":\n  version "1.1.0"\n  resolved "https://r/@a/b/-/b-1.1.0.tgz#abc"\n\nlocal@file:x:\n  version "1.0.0"\n';
    assert.deepEqual(
      [...classicLockfileEntries(text)],
      [
        ['@a/b@^1.0.0', 'https://r/@a/b/-/b-1.1.0.tgz#abc'],
        ['@a/b@^1.1.0', 'https://r/@a/b/-/b-1.1.0.tgz#abc'],
        ['local@file:x', ''],
      ],
    );
  });
});

describe('isInstalledTreeCurrent', () => {
  it('says why without a lockfile, never throwing', async () => {
    const check = await isInstalledTreeCurrent('/nonexistent/program');
    assert.equal(check.current, false);
    assert.match(check.reason ?? '', /cannot be read/);
  });
});

describe('the scoped configs', () => {
  it("keep the user's home settings, route the scope, and hold no credential for it", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'yarn-scoped-'));
    try {
      const home = path.join(root, 'home');
      fs.mkdirSync(home);
      fs.writeFileSync(path.join(home, '.npmrc'), '@pulumi:registry=https://old/\n//r.example/:_authToken=old-token\nfund=false\n');
      fs.writeFileSync(path.join(home, '.yarnrc'), 'proxy "http://corp:3128/"\n"@pulumi:registry" "https://old/"\nnetwork-timeout 60000\n');
      fs.writeFileSync(
        path.join(home, '.yarnrc.yml'),
        'npmScopes:\n  pulumi:\n    npmAuthToken: old-token\n    npmMinimalAgeGate: 0\nenableTelemetry: false\n',
      );
      const written = await yarn.registry.writeScoped({
        runnerTemp: path.join(root, 'temp'),
        env: { HOME: home },
        scope: '@pulumi',
        registryUrl: 'https://r.example/',
        onFolder: () => {},
      });
      const read = (file: string) => fs.readFileSync(file, 'utf8');
      assert.equal(written.installFile, path.join(written.dir, 'home', '.npmrc'));
      assert.deepEqual(written.variables, { NPM_CONFIG_USERCONFIG: written.file });
      assert.match(read(written.file), /^\/\/r\.example\/:_authToken=\$\{PULUMI_ACCESS_TOKEN\}$/m);
      assert.doesNotMatch(read(written.installFile), /_authToken|old-token/);
      assert.match(read(written.installFile), /^@pulumi:registry=https:\/\/r\.example\/$/m);
      assert.equal(read(path.join(written.dir, 'home', '.yarnrc')), 'network-timeout 60000\n');
      assert.equal(
        read(path.join(written.dir, 'home', '.yarnrc.yml')),
        'npmScopes:\n  pulumi:\n    npmMinimalAgeGate: 0\n    npmRegistryServer: https://r.example/\nenableTelemetry: false\n' +
          (process.platform === 'win32' ? '' : `globalFolder: ${path.join(home, '.yarn', 'berry')}\n`),
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the configured registry', () => {
  it("is yarn 2+'s npmScopes entry for a berry program, and .npmrc's for a yarn 1 one", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'yarn-registry-'));
    try {
      const [home, berry, classic] = ['home', 'berry', 'classic'].map((name) => path.join(root, name));
      for (const dir of [home!, berry!, classic!]) fs.mkdirSync(dir);
      fs.writeFileSync(path.join(berry!, 'yarn.lock'), '__metadata:\n  version: 8\n');
      fs.writeFileSync(path.join(berry!, '.yarnrc.yml'), 'npmScopes:\n  pulumi:\n    npmRegistryServer: "https://scoped.example"\n');
      fs.writeFileSync(path.join(classic!, '.npmrc'), '@pulumi:registry=https://classic.example/\n');
      const env = { HOME: home! };
      assert.equal((await yarn.registry.configured('@pulumi', berry!, env)).url, 'https://scoped.example/');
      assert.equal((await yarn.registry.configured('@other', berry!, env)).url, 'https://registry.yarnpkg.com/');
      assert.equal((await yarn.registry.configured('@pulumi', classic!, env)).url, 'https://classic.example/');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("is yarn 2+'s for a yarn 1 lockfile when packageManager declares yarn 3 (which migrates it), and .npmrc's when it declares yarn 1", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'yarn-registry-'));
    try {
      const [home, program] = ['home', 'program'].map((name) => path.join(root, name));
      for (const dir of [home!, program!]) fs.mkdirSync(dir);
      fs.writeFileSync(path.join(program!, 'yarn.lock'), '# yarn lockfile v1\n\n"@pulumi/pulumi@^3.0.0":\n  version "3.0.0"\n');
      fs.writeFileSync(path.join(home!, '.npmrc'), 'registry=https://mirror.example/\n');
      const env = { HOME: home!, NPM_CONFIG_USERCONFIG: path.join(home!, '.npmrc') };
      assert.equal((await yarn.registry.configured('@pulumi', program!, env)).url, 'https://mirror.example/');
      assert.equal((await yarn.registry.configured('@pulumi', program!, env, '3.2.4')).url, 'https://registry.yarnpkg.com/');
      assert.equal((await yarn.registry.configured('@pulumi', program!, env, '1.22.22')).url, 'https://mirror.example/');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
