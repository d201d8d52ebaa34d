import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { buildScopedNpmrc, registryAuthPrefix, userConfigPath, writeScopedNpmrc } from '../src/package-managers/npm/npmrc.js';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'npmrc-'));
after(() => fs.rmSync(temp, { recursive: true, force: true }));

const ours = (text: string) => text.split('\n').filter((line) => line && !line.startsWith(';'));

describe('buildScopedNpmrc', () => {
  it('routes the scope to the registry with the token placeholder npm expands at run time', () => {
    const text = buildScopedNpmrc('', '@pulumi', 'https://npmjs.pulumi.com/', true);
    assert.deepEqual(ours(text), ['@pulumi:registry=https://npmjs.pulumi.com/', '//npmjs.pulumi.com/:_authToken=${PULUMI_ACCESS_TOKEN}']);
  });

  it('keeps the registry path and port in the auth key', () => {
    assert.equal(registryAuthPrefix('http://127.0.0.1:4873/npm/proxy/'), '//127.0.0.1:4873/npm/proxy/');
    assert.equal(registryAuthPrefix('https://r.example.com/npm'), '//r.example.com/npm/');
  });

  it("keeps everything the user set except the same scope and the same host's credentials", () => {
    const user = [
      '; my settings',
      'registry=https://registry.npmjs.org/',
      '@acme:registry=https://npm.acme.dev/',
      '//npm.acme.dev/:_authToken=${ACME_TOKEN}',
      '@pulumi:registry=https://old.example.com/',
      '//npmjs.pulumi.com/:_authToken=stale-literal',
      '"//npmjs.pulumi.com/:username" = someone',
      '//npmjs.pulumi.com/:_password=c2VjcmV0',
      '//npmjs.pulumi.com/:cafile=/etc/ca.pem',
      'save-exact=true',
      '',
    ].join('\r\n');
    const lines = ours(buildScopedNpmrc(user, '@pulumi', 'https://npmjs.pulumi.com/', true));
    assert.deepEqual(lines, [
      'registry=https://registry.npmjs.org/',
      '@acme:registry=https://npm.acme.dev/',
      '//npm.acme.dev/:_authToken=${ACME_TOKEN}',
      '//npmjs.pulumi.com/:cafile=/etc/ca.pem',
      'save-exact=true',
      '@pulumi:registry=https://npmjs.pulumi.com/',
      '//npmjs.pulumi.com/:_authToken=${PULUMI_ACCESS_TOKEN}',
    ]);
  });

  it("does not repeat itself when a second run in the job reads the first run's file", () => {
    const first = buildScopedNpmrc('fund=false\n', '@pulumi', 'https://npmjs.pulumi.com/', true);
    assert.equal(buildScopedNpmrc(first, '@pulumi', 'https://npmjs.pulumi.com/', true), first);
  });
});

describe('userConfigPath', () => {
  it('follows NPM_CONFIG_USERCONFIG in either case, else ~/.npmrc', () => {
    assert.equal(userConfigPath({ NPM_CONFIG_USERCONFIG: '/a/rc', HOME: '/home/u' }), '/a/rc');
    assert.equal(userConfigPath({ npm_config_userconfig: '/b/rc', HOME: '/home/u' }), '/b/rc');
    assert.equal(userConfigPath({ HOME: '/home/u' }), '/home/u/.npmrc');
  });
});

describe('writeScopedNpmrc', () => {
  it('writes a folder of its own under RUNNER_TEMP and leaves the user file untouched', async () => {
    const userFile = path.join(temp, 'user.npmrc');
    const userText = '//npmjs.pulumi.com/:_authToken=old\nfund=false\n';
    fs.writeFileSync(userFile, userText);
    const runnerTemp = path.join(temp, 'runner');
    const written = await writeScopedNpmrc({ runnerTemp, userConfigFile: userFile, scope: '@pulumi', registryUrl: 'https://npmjs.pulumi.com/' });
    assert.equal(path.dirname(written.dir), runnerTemp);
    assert.match(path.basename(written.dir), /^setup-pulumi-npm-/);
    assert.equal(written.file, path.join(written.dir, '.npmrc'));
    assert.equal(written.mergedFrom, userFile);
    assert.equal(fs.statSync(written.file).mode & 0o777, 0o600);
    assert.match(fs.readFileSync(written.file, 'utf8'), /^fund=false$/m);
    assert.equal(fs.readFileSync(userFile, 'utf8'), userText);
  });

  it('starts from nothing when the user has no config', async () => {
    const written = await writeScopedNpmrc({
      runnerTemp: path.join(temp, 'runner2'),
      userConfigFile: path.join(temp, 'absent'),
      scope: '@pulumi',
      registryUrl: 'https://npmjs.pulumi.com/',
    });
    assert.equal(written.mergedFrom, undefined);
    assert.equal(ours(fs.readFileSync(written.file, 'utf8')).length, 2);
  });

  it('names RUNNER_TEMP when it cannot write there', async () => {
    const blocked = path.join(temp, 'a-file');
    fs.writeFileSync(blocked, '');
    await assert.rejects(writeScopedNpmrc({ runnerTemp: blocked, userConfigFile: undefined, scope: '@pulumi', registryUrl: 'https://npmjs.pulumi.com/' }), {
      name: 'ActionError',
      message: /^Cannot write the npm config under RUNNER_TEMP \(.*a-file\): (EEXIST|ENOTDIR)\./,
    });
  });

  it('announces the folder before writing, and removes it when the disk is full', async () => {
    const runnerTemp = path.join(temp, 'runner-full');
    const announced: string[] = [];
    const diskFull = async () => {
      assert.equal(announced.length, 1, 'the folder was announced before the write');
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    };
    await assert.rejects(
      writeScopedNpmrc({
        runnerTemp,
        userConfigFile: undefined,
        scope: '@pulumi',
        registryUrl: 'https://npmjs.pulumi.com/',
        onFolder: (dir) => announced.push(dir),
        writeFile: diskFull,
      }),
      {
        name: 'ActionError',
        message: `Cannot write the npm config under RUNNER_TEMP (${runnerTemp}): ENOSPC. The runner's temporary folder must be writable and have free space.`,
      },
    );
    assert.deepEqual(fs.readdirSync(runnerTemp), [], 'nothing is left behind');
  });
});
