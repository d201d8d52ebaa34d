import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { CommandRunner } from '../src/package-managers/command.js';
import { pnpm } from '../src/package-managers/pnpm/index.js';
import { explainPnpmFailure } from '../src/package-managers/pnpm/pnpm.js';
import type { InstallRequest, ManagerContext } from '../src/package-managers/types.js';
import { issueInterceptionCertificates } from '../src/token/certificate-authority.js';
import { openProxySession } from '../src/token/credential-proxy-session.js';
import { createLinkablePackage, defaultFixturePackages, writeProgram } from './support/fixtures.js';
import { pathWithManager } from './support/managers.js';
import { machinePath, runProcess } from './support/process.js';
import { findSecret } from './support/secret-scan.js';
import { useRegistry } from './support/servers.js';

// pnpm's row against real pnpm 10 and the test registry: lockfiles pnpm itself wrote, its install, its record of the
// tree, links, and a token-gated scope through the credential proxy.
const spyScript = fs.readFileSync(new URL('./fixtures/token-spy.cjs', import.meta.url), 'utf8');
const testAuthority = issueInterceptionCertificates('localhost');
const registry = await useRegistry({
  tls: { cert: testAuthority.hostCertificatePem, key: testAuthority.hostKeyPem },
  packages: [
    ...defaultFixturePackages,
    // A package of the gated scope with an install script that looks everywhere for the token.
    { name: '@pulumi/spy-native', version: '1.0.0', scripts: { install: 'node spy.cjs scope-script' }, files: { 'spy.cjs': spyScript } },
    { name: 'fixture-failing', version: '1.0.0', scripts: { install: 'node -e "process.exit(5)"' } },
    // A public package that takes `pulumi` as a peer, as the 0.10 packages did.
    { name: 'fixture-peer', version: '1.0.0', peerDependencies: { pulumi: '*' }, files: { 'index.js': "module.exports = require('pulumi');\n" } },
  ],
});
const TOKEN = registry.tokens.ci;
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'pnpm-row-'));
after(() => fs.rmSync(temp, { recursive: true, force: true }));

let folders = 0;
/** A fresh HOME (pnpm's store, cache and config under it) and a program folder with `manifest`. */
async function setUp(manifest: Record<string, unknown>): Promise<{ dir: string; env: Record<string, string> }> {
  const base = path.join(temp, String(folders++));
  const home = path.join(base, 'home');
  fs.mkdirSync(path.join(home, 'tmp'), { recursive: true });
  const env = {
    PATH: pathWithManager('pnpm', machinePath()),
    HOME: home,
    TMPDIR: path.join(home, 'tmp'),
    XDG_DATA_HOME: path.join(home, 'data'),
    XDG_CACHE_HOME: path.join(home, 'cache'),
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_STATE_HOME: path.join(home, 'state'),
    NPM_CONFIG_PREFIX: path.join(home, 'prefix'),
    npm_config_registry: registry.url,
    CI: 'true',
  };
  const dir = path.join(base, 'program');
  await writeProgram(dir, manifest);
  return { dir, env };
}

interface Recorded {
  context: ManagerContext;
  commands: string[];
}

/** The row's context, its commands run (quietly) and recorded. */
function contextFor(env: NodeJS.ProcessEnv): Recorded {
  const commands: string[] = [];
  const run: CommandRunner = async (commandLine, args, options) => {
    commands.push([commandLine, ...args].join(' '));
    const [program, ...rest] = commandLine.split(' ');
    const result = await runProcess(program!, [...rest, ...args], { cwd: options.cwd, env: options.env as Record<string, string>, timeoutMs: 120_000 });
    return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  };
  return { context: { run, env, registryUrl: registry.url }, commands };
}

/** pnpm's own lockfile for the program, written as a user does (pnpm 10, no node_modules). */
async function writeLockfile(dir: string, env: Record<string, string>, ...flags: string[]): Promise<Buffer> {
  const result = await runProcess('pnpm', ['install', '--lockfile-only', '--no-frozen-lockfile', ...flags], { cwd: dir, env, timeoutMs: 120_000 });
  assert.equal(result.exitCode, 0, result.stderr + result.stdout);
  return fs.readFileSync(path.join(dir, 'pnpm-lock.yaml'));
}

const request = (dir: string, extra: Partial<InstallRequest> = {}): InstallRequest => ({
  dir,
  where: 'program',
  commandLine: undefined,
  links: [],
  ignoreScripts: false,
  ...extra,
});

async function requireIn(dir: string, name: string, env: Record<string, string>): Promise<unknown> {
  const result = await runProcess('node', ['-e', `console.log(JSON.stringify(require(${JSON.stringify(name)})))`], { cwd: dir, env, timeoutMs: 30_000 });
  assert.equal(result.exitCode, 0, result.stderr);
  return JSON.parse(result.stdout) as unknown;
}

describe('explainPnpmFailure', () => {
  const explain = (stdout: string) => explainPnpmFailure('pnpm install', 'infra', { exitCode: 1, stdout, stderr: '' }, 'http://127.0.0.1:4873/').message;

  it('says which credential problem pnpm hit, as pnpm 10 prints it', () => {
    assert.match(
      explain(' ERR_PNPM_FETCH_401  GET http://127.0.0.1:4873/@pulumi%2Faws: Unauthorized - 401'),
      /^"pnpm install" failed in infra \(exit code 1\): the registry rejected the credentials \(401\)/,
    );
    assert.match(explain(' ERR_PNPM_FETCH_403  GET http://127.0.0.1:4873/@pulumi%2Faws: Forbidden - 403'), /: access denied \(403\)/);
  });

  it('names the package that was not found', () => {
    assert.match(
      explain(' ERR_PNPM_FETCH_404  GET http://127.0.0.1:4873/@pulumi%2Fnope: Not Found - 404\n\nnope is not in the npm registry'),
      /: @pulumi\/nope was not found \(404\)/,
    );
    assert.match(
      explain(' ERR_PNPM_NO_MATCHING_VERSION  No matching version found for fixture-utils@^7.0.0 while fetching it from http://127.0.0.1:4873/'),
      /: fixture-utils@\^7\.0\.0 was not found \(no such version\)/,
    );
  });

  it('says a killed install was killed', () => {
    assert.match(explainPnpmFailure('pnpm install', 'infra', { exitCode: null, stdout: '', stderr: '' }, 'http://x/').message, /was killed before it finished/);
  });
});

describe('pnpm row', () => {
  it('retries once, half a second after a failure (pnpm fetches every tarball before it gives up), unless the job says otherwise', () => {
    const env = pnpm.environment({ PATH: '/bin', NPM_CONFIG_FETCH_RETRY_MINTIMEOUT: '2000' }, undefined);
    assert.equal(env['npm_config_fetch_retries'], '1');
    assert.equal(env['npm_config_fetch_retry_maxtimeout'], '500');
    assert.equal(env['NPM_CONFIG_FETCH_RETRY_MINTIMEOUT'], '2000');
    assert.equal(env['npm_config_fetch_retry_mintimeout'], undefined);
  });

  it('reports the version of the pnpm on the PATH', async () => {
    const { dir, env } = await setUp({});
    assert.match(await pnpm.version(contextFor(env).context, dir), /^10\.\d+\.\d+$/);
  });

  it("installs frozen from pnpm's own lockfile, keeps it byte-identical, writes no package-lock.json, and knows its tree", async () => {
    const { dir, env } = await setUp({ dependencies: { 'fixture-utils': '^1.0.0', 'fixture-native': '1.0.0' } });
    const lockfile = await writeLockfile(dir, env);
    const { context, commands } = contextFor(env);
    assert.deepEqual(await pnpm.installedTreeIsCurrent(dir, []), { current: false, reason: 'node_modules/.pnpm/lock.yaml is missing' });
    await pnpm.install(context, request(dir));
    assert.deepEqual(commands, ['pnpm install --frozen-lockfile']);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'pnpm-lock.yaml')), lockfile);
    assert.equal(fs.existsSync(path.join(dir, 'package-lock.json')), false);
    assert.deepEqual(await requireIn(dir, 'fixture-utils', env), { name: 'fixture-utils', version: '1.1.0' });
    assert.deepEqual(await pnpm.installedTreeIsCurrent(dir, []), { current: true });

    const modules = path.join(dir, 'node_modules/.modules.yaml');
    const modulesText = fs.readFileSync(modules, 'utf8');
    fs.writeFileSync(modules, modulesText.replace('"layoutVersion": 5', '"layoutVersion": 4'));
    assert.deepEqual(await pnpm.installedTreeIsCurrent(dir, []), {
      current: false,
      reason: 'node_modules/.modules.yaml records layout 4, not 5',
    });
    fs.writeFileSync(modules, modulesText);
    const installed = path.join(dir, 'node_modules/.pnpm/lock.yaml');
    const installedText = fs.readFileSync(installed, 'utf8');
    fs.writeFileSync(installed, installedText.replaceAll('fixture-utils@1.1.0', 'fixture-utils@1.0.0'));
    assert.deepEqual(await pnpm.installedTreeIsCurrent(dir, []), {
      current: false,
      reason: 'fixture-utils@1.1.0 is not installed as pnpm-lock.yaml describes',
    });
    // A package pnpm skipped (another platform's) is recorded as such, and may be absent.
    const withoutNative = installedText.replace(/^ {2}fixture-native@1\.0\.0:\n(?: {4}.*\n)*\n/gm, '');
    assert.notEqual(withoutNative, installedText);
    fs.writeFileSync(installed, withoutNative);
    assert.equal((await pnpm.installedTreeIsCurrent(dir, [])).current, false);
    fs.writeFileSync(modules, modulesText.replace('"skipped": []', '"skipped": ["fixture-native@1.0.0"]'));
    assert.deepEqual(await pnpm.installedTreeIsCurrent(dir, []), { current: true });
    fs.writeFileSync(modules, modulesText);
    fs.writeFileSync(installed, installedText);
    fs.rmSync(path.join(dir, 'node_modules/fixture-utils'));
    assert.deepEqual(await pnpm.installedTreeIsCurrent(dir, []), {
      current: false,
      reason: 'node_modules/fixture-utils is in pnpm-lock.yaml but missing',
    });
  });

  it("keeps a restored node_modules working without pnpm's content store, and a frozen install on it needs no store", async () => {
    const { dir, env } = await setUp({ dependencies: { 'fixture-utils': '^1.0.0' } });
    await writeLockfile(dir, env);
    await pnpm.install(contextFor(env).context, request(dir));
    // What a cache restore gives: the tree's files as copies (no hard links into the store), the symlinks as they were.
    const saved = path.join(dir, '..', 'saved');
    fs.cpSync(path.join(dir, 'node_modules'), saved, { recursive: true, verbatimSymlinks: true });
    fs.rmSync(path.join(dir, 'node_modules'), { recursive: true });
    fs.rmSync(path.join(env.XDG_DATA_HOME, 'pnpm'), { recursive: true });
    fs.renameSync(saved, path.join(dir, 'node_modules'));
    assert.deepEqual(await pnpm.installedTreeIsCurrent(dir, []), { current: true });
    assert.deepEqual(await requireIn(dir, 'fixture-utils', env), { name: 'fixture-utils', version: '1.1.0' });
    // A partial hit: package.json gained a dependency; pnpm fetches only that one.
    const manifest = path.join(dir, 'package.json');
    fs.writeFileSync(manifest, JSON.stringify({ name: 'program', version: '1.0.0', dependencies: { 'fixture-utils': '^1.0.0', 'fixture-native': '1.0.0' } }));
    assert.deepEqual(await pnpm.installedTreeIsCurrent(dir, []), { current: false, reason: 'package.json and pnpm-lock.yaml list different dependencies' });
    await writeLockfile(dir, env);
    await pnpm.install(contextFor(env).context, request(dir));
    assert.deepEqual(await requireIn(dir, 'fixture-native', env), { name: 'fixture-native', version: '1.0.0' });
    assert.deepEqual(await pnpm.installedTreeIsCurrent(dir, []), { current: true });
  });

  it('installs without a lockfile as not frozen (CI=true would make it frozen), and runs no scripts when told', async () => {
    const { dir, env } = await setUp({
      dependencies: { 'fixture-utils': '1.0.0' },
      pnpm: { onlyBuiltDependencies: ['fixture-native'] },
      scripts: { postinstall: "node -e \"require('fs').writeFileSync('own-script-ran', '')\"" },
    });
    const { context, commands } = contextFor(env);
    await pnpm.install(context, request(dir, { ignoreScripts: true }));
    assert.deepEqual(commands, ['pnpm install --no-frozen-lockfile --ignore-scripts']);
    assert.ok(fs.existsSync(path.join(dir, 'pnpm-lock.yaml')));
    assert.equal(fs.existsSync(path.join(dir, 'package-lock.json')), false);
    assert.equal(fs.existsSync(path.join(dir, 'own-script-ran')), false, "the program's own install script did not run");
  });

  it("counts the program's own peers, which pnpm installs among its dependencies, as declared", async () => {
    const { dir, env } = await setUp({ dependencies: { 'fixture-native': '1.0.0' }, peerDependencies: { 'fixture-utils': '^1.0.0' } });
    await writeLockfile(dir, env);
    await pnpm.install(contextFor(env).context, request(dir));
    assert.deepEqual(await requireIn(dir, 'fixture-utils', env), { name: 'fixture-utils', version: '1.1.0' });
    assert.deepEqual(await pnpm.installedTreeIsCurrent(dir, []), { current: true });
    await writeProgram(dir, { dependencies: { 'fixture-native': '1.0.0' }, peerDependencies: { 'fixture-utils': '^1.1.0' } });
    assert.deepEqual(await pnpm.installedTreeIsCurrent(dir, []), { current: false, reason: 'package.json and pnpm-lock.yaml list different dependencies' });
  });

  it('says what to do when the lockfile is out of date with package.json', async () => {
    const { dir, env } = await setUp({ dependencies: { 'fixture-utils': '^1.0.0' } });
    const lockfile = await writeLockfile(dir, env);
    await writeProgram(dir, { dependencies: { 'fixture-utils': '^1.0.0', 'fixture-native': '1.0.0' } });
    await assert.rejects(
      pnpm.install(contextFor(env).context, request(dir)),
      /^ActionError: "pnpm install --frozen-lockfile" failed in program \(exit code 1\): pnpm-lock.yaml is not up to date with package.json.*Run "pnpm install"/,
    );
    assert.deepEqual(fs.readFileSync(path.join(dir, 'pnpm-lock.yaml')), lockfile);
  });

  it('names the package whose install script failed', async () => {
    const { dir, env } = await setUp({ dependencies: { 'fixture-failing': '1.0.0' }, pnpm: { onlyBuiltDependencies: ['fixture-failing'] } });
    await assert.rejects(pnpm.install(contextFor(env).context, request(dir)), (error: Error) => {
      assert.match(
        error.message,
        /^"pnpm install --no-frozen-lockfile" failed in program \(exit code 5\): an install script failed in fixture-failing \(its "install" script\)/,
      );
      return true;
    });
  });

  it('links `pulumi` from the global folder and never fetches the peer from the registry, with or without a lockfile', async () => {
    const { dir, env } = await setUp({ dependencies: { 'fixture-peer': '1.0.0' }, peerDependencies: { pulumi: '*' } });
    const { context, commands } = contextFor(env);
    const linkPath = await createLinkablePackage(path.join(dir, '..', 'pulumi'));
    const globalFolder = await pnpm.links.globalFolder(context, dir);
    assert.equal(await pnpm.links.register(linkPath, ['pulumi'], globalFolder), 'pulumi');
    await pnpm.install(context, request(dir, { links: ['pulumi'] }));
    assert.equal(commands.at(-2), 'pnpm install --no-frozen-lockfile --config.auto-install-peers=false');
    const [link] = await pnpm.links.verify(dir, 'program', ['pulumi']);
    assert.equal(link?.version, '0.10.0');
    assert.deepEqual(await requireIn(dir, 'fixture-peer', env), { linked: true, name: 'pulumi', version: '0.10.0' });
    // Again from the lockfile that install wrote, frozen; then as a restored tree.
    const lockfile = fs.readFileSync(path.join(dir, 'pnpm-lock.yaml'));
    await pnpm.install(context, request(dir, { links: ['pulumi'] }));
    assert.equal(commands.at(-2), 'pnpm install --frozen-lockfile --config.auto-install-peers=false');
    assert.deepEqual(fs.readFileSync(path.join(dir, 'pnpm-lock.yaml')), lockfile);
    assert.deepEqual(await pnpm.installedTreeIsCurrent(dir, ['pulumi']), { current: true });
    fs.rmSync(path.join(dir, 'node_modules/pulumi'));
    await pnpm.links.intoRestoredTree(context, dir, 'program', ['pulumi'], globalFolder);
    assert.deepEqual(await requireIn(dir, 'fixture-peer', env), { linked: true, name: 'pulumi', version: '0.10.0' });
  });

  it('refuses a lockfile that installs the linked package from a registry', async () => {
    const { dir, env } = await setUp({ dependencies: { 'fixture-utils': '1.0.0' } });
    fs.writeFileSync(path.join(dir, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\n\npackages:\n\n  pulumi@3.0.0:\n    resolution: {integrity: sha512-x}\n");
    await assert.rejects(
      pnpm.install(contextFor(env).context, request(dir, { links: ['pulumi'] })),
      /pnpm-lock.yaml of program installs "pulumi" from a registry, but input "link" links it/,
    );
  });

  const authorityFile = path.join(temp, 'test-authority.pem');
  fs.writeFileSync(authorityFile, testAuthority.authorityPem);
  const proxyCases: Array<[string, () => string, Record<string, string>]> = [
    ['an http registry', () => registry.url, {}],
    [
      "an https registry the runner trusts through NODE_EXTRA_CA_CERTS: pnpm trusts the proxy's authority too",
      () => registry.httpsUrl!,
      { NODE_EXTRA_CA_CERTS: authorityFile },
    ],
    [
      "an https registry and a runner's cafile, which replaces pnpm's roots",
      () => registry.httpsUrl!,
      { NODE_EXTRA_CA_CERTS: authorityFile, NPM_CONFIG_CAFILE: authorityFile },
    ],
  ];
  for (const [name, registryUrl, runnerEnv] of proxyCases) {
    it(`installs a token-gated scope through the credential proxy, and an install script finds no token anywhere: ${name}`, async () => {
      const { dir, env: home } = await setUp({
        dependencies: { '@pulumi/aws': '0.10.1', '@pulumi/spy-native': '1.0.0' },
        pnpm: { onlyBuiltDependencies: ['@pulumi/spy-native'] },
      });
      const env = { ...home, ...runnerEnv };
      const runnerTemp = path.join(dir, '..', 'runner-temp');
      const dump = path.join(dir, '..', 'dump');
      const url = registryUrl();
      const scoped = await pnpm.registry.writeScoped({ runnerTemp, env, scope: '@pulumi', registryUrl: url, onFolder: () => {} });
      const network = await pnpm.registry.checkProxyRouting(contextFor(pnpm.environment(env, undefined)).context, [dir], '@pulumi', url);
      const session = await openProxySession({ registryUrl: url, token: TOKEN, network, env, folder: scoped.dir });
      try {
        const jobEnv = { ...env, PULUMI_ACCESS_TOKEN: TOKEN, 'INPUT_PULUMI-ACCESS-TOKEN': TOKEN, SPY_DUMP: dump, RUNNER_TEMP: runnerTemp };
        const access = { proxyUrl: session.proxyUrl, configFile: scoped.installFile, ...(session.certificates && { certificates: session.certificates }) };
        const installEnv = pnpm.environment(jobEnv, access);
        assert.equal(JSON.stringify(installEnv).includes(TOKEN), false);
        await pnpm.install(contextFor(installEnv).context, request(dir));
      } finally {
        await session.close();
      }
      assert.deepEqual(await requireIn(dir, '@pulumi/aws', env), { name: '@pulumi/aws', version: '0.10.1' });
      assert.ok(
        fs.readdirSync(dump).some((file) => file.startsWith('scope-script-')),
        'the install script ran',
      );
      const hits = await findSecret(TOKEN, { dirs: [dump, dir, runnerTemp] });
      assert.deepEqual(
        hits.map((hit) => hit.where),
        [],
        'no environment, command line or file the script could read holds the token',
      );
      assert.equal(
        fs.readFileSync(path.join(dir, 'pnpm-lock.yaml'), 'utf8').includes(new URL(session.proxyUrl).host),
        false,
        'the lockfile never names the proxy',
      );
    });
  }

  it("refuses pnpm-workspace.yaml's settings that would route the install around the proxy, naming the file and line", async () => {
    const { dir, env } = await setUp({});
    const context = contextFor(pnpm.environment(env, undefined)).context;
    fs.writeFileSync(path.join(dir, 'pnpm-workspace.yaml'), "packages:\n  - '.'\nonlyBuiltDependencies: []\n");
    assert.deepEqual(await pnpm.registry.checkProxyRouting(context, [dir], '@pulumi', registry.url), {});
    fs.writeFileSync(path.join(dir, 'pnpm-workspace.yaml'), "packages:\n  - '.'\nhttpsProxy: http://127.0.0.1:9/\n");
    await assert.rejects(
      pnpm.registry.checkProxyRouting(context, [dir], '@pulumi', registry.url),
      new RegExp(`^ActionError: ${path.join(dir, 'pnpm-workspace.yaml')} \\(line 3\\) sets "httpsProxy": the repository may not choose the install's proxy`),
    );
    fs.writeFileSync(path.join(dir, 'pnpm-workspace.yaml'), 'strictSsl: false\n');
    await assert.rejects(
      pnpm.registry.checkProxyRouting(context, [dir], '@pulumi', registry.url),
      /\(line 1\) sets "strictSsl": the repository may not turn off/,
    );
    // A workspace member: pnpm reads the workspace root's pnpm-workspace.yaml and .npmrc too.
    const member = path.join(dir, 'infra');
    await writeProgram(member, {});
    fs.writeFileSync(path.join(dir, 'pnpm-workspace.yaml'), "packages:\n  - 'infra'\n");
    fs.writeFileSync(path.join(dir, '.npmrc'), 'https-proxy=http://127.0.0.1:9/\n');
    await assert.rejects(
      pnpm.registry.checkProxyRouting(context, [member], '@pulumi', registry.url),
      new RegExp(`^ActionError: ${path.join(dir, '.npmrc')} sets "https-proxy" to http://127.0.0.1:9/: the repository may not choose`),
    );
    fs.rmSync(path.join(dir, '.npmrc'));
    // .npmrc is read as npm reads it: npm's own check answers.
    fs.rmSync(path.join(dir, 'pnpm-workspace.yaml'));
    fs.writeFileSync(path.join(dir, '.npmrc'), '@pulumi:registry=http://127.0.0.1:9/\n');
    await assert.rejects(pnpm.registry.checkProxyRouting(context, [dir], '@pulumi', registry.url), /routes @pulumi to http:\/\/127.0.0.1:9\//);
  });
});
