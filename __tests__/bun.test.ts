import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bun } from '../src/package-managers/bun/index.js';
import { explainBunFailure } from '../src/package-managers/bun/bun.js';
import type { CommandRunner } from '../src/package-managers/command.js';
import type { ManagerContext, ProxyAccess } from '../src/package-managers/types.js';
import { issueInterceptionCertificates } from '../src/token/certificate-authority.js';
import { openProxySession } from '../src/token/credential-proxy-session.js';
import { createLinkablePackage, defaultFixturePackages } from './support/fixtures.js';
import { pathWithManager } from './support/managers.js';
import { machinePath, runProcess } from './support/process.js';
import { findSecret } from './support/secret-scan.js';
import { useRegistry } from './support/servers.js';

// bun 1.4 (the devDependency) against the test registry: its install, its lockfile and its config, for real.
const spyScript = fs.readFileSync(new URL('./fixtures/token-spy.cjs', import.meta.url), 'utf8');
const testAuthority = issueInterceptionCertificates('localhost');
const registry = await useRegistry({
  tls: { cert: testAuthority.hostCertificatePem, key: testAuthority.hostKeyPem },
  packages: [
    ...defaultFixturePackages,
    // npmjs has an unrelated `pulumi`: a 0.10 program's peer would be fetched from the registry but for --omit=peer.
    { name: 'pulumi', version: '3.0.0', files: { 'index.js': 'module.exports = { decoy: true };\n' } },
    { name: 'fixture-peer', version: '1.0.0', peerDependencies: { pulumi: '*' } },
    // A scope package with an install script as an attacker writes it: it runs only when the program trusts it.
    { name: '@pulumi/spy-native', version: '1.0.0', scripts: { install: 'node spy.cjs install' }, files: { 'spy.cjs': spyScript } },
  ],
});
const TOKEN = registry.tokens.ci;
// The row asks bun to read a bunfig through the action's command runner, which finds programs on this process's PATH.
process.env['PATH'] = pathWithManager('bun');
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'bun-'));
after(() => fs.rmSync(temp, { recursive: true, force: true }));

/** Every command line the row ran, as it ran it. */
const commands: string[] = [];
const run: CommandRunner = async (commandLine, args, { cwd, env }) => {
  commands.push([commandLine, ...args].join(' '));
  const [program, ...rest] = commandLine.split(' ');
  const result = await runProcess(program!, [...rest, ...args], { cwd, env: env as Record<string, string>, timeoutMs: 120_000 });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
};

let count = 0;
/** A HOME of its own (bun's cache in it), the test registry as bun's default registry, bun first on the PATH. */
function machine(extra: Record<string, string> = {}): { home: string; env: NodeJS.ProcessEnv } {
  const home = path.join(temp, `home-${++count}`);
  fs.mkdirSync(path.join(home, '.tmp'), { recursive: true });
  const env = {
    PATH: pathWithManager('bun', machinePath()),
    HOME: home,
    TMPDIR: path.join(home, '.tmp'),
    NPM_CONFIG_REGISTRY: registry.url,
    NPM_CONFIG_PREFIX: path.join(home, 'prefix'),
    ...extra,
  };
  return { home, env };
}

function context(env: NodeJS.ProcessEnv, access?: ProxyAccess): ManagerContext {
  return { run, env: bun.environment(env, access), registryUrl: registry.url };
}

function program(name: string, manifest: Record<string, unknown>, files: Record<string, string> = {}): string {
  const dir = path.join(temp, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name, version: '1.0.0', ...manifest }, null, 2)}\n`);
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

/** bun.lock as bun itself makes it, without installing. */
async function lockWithBun(dir: string, env: NodeJS.ProcessEnv): Promise<Buffer> {
  const made = await run('bun install --lockfile-only', [], { cwd: dir, env: bun.environment(env, undefined) });
  assert.equal(made.exitCode, 0, made.stderr);
  return fs.readFileSync(path.join(dir, 'bun.lock'));
}

const install = (ctx: ManagerContext, dir: string, options: { links?: string[]; commandLine?: string } = {}) =>
  bun.install(ctx, { dir, where: path.basename(dir), commandLine: options.commandLine, links: options.links ?? [], ignoreScripts: false });

const installedVersion = (dir: string, name: string) =>
  (JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

describe('bun install', () => {
  const manifest = { dependencies: { 'fixture-utils': '^1.0.0', 'fixture-native': '1.0.0' } };

  it('is frozen over a bun.lock bun made: the lockfile stays byte-identical, no package-lock.json appears, the tree is recorded', async () => {
    const { env } = machine();
    const dir = program('frozen', manifest);
    const lockfile = await lockWithBun(dir, env);
    commands.length = 0;
    await install(context(env), dir);
    assert.deepEqual(commands, ['bun install --frozen-lockfile']);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'bun.lock')), lockfile);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['bun.lock', 'node_modules', 'package.json']);
    assert.equal(installedVersion(dir, 'fixture-utils'), '1.1.0');
    // bun runs a dependency's install script only when trustedDependencies lists it.
    assert.equal(fs.existsSync(path.join(dir, 'node_modules/fixture-native/install-ran.json')), false);
    assert.deepEqual(await bun.installedTreeIsCurrent(dir, []), { current: true });
  });

  it('leaves a bun.lock of bun 1.2 (lockfileVersion 1), which a plain `bun install` would rewrite, byte-identical', async () => {
    const { env } = machine();
    const dir = program('bun-1.2', manifest);
    const made = (await lockWithBun(dir, env)).toString('utf8');
    const older = made.replace('"lockfileVersion": 2,\n  "configVersion": 1,', '"lockfileVersion": 1,');
    assert.notEqual(older, made);
    fs.writeFileSync(path.join(dir, 'bun.lock'), older);
    await install(context(env), dir);
    assert.equal(fs.readFileSync(path.join(dir, 'bun.lock'), 'utf8'), older);
    assert.equal(installedVersion(dir, 'fixture-utils'), '1.1.0');
  });

  it('without a lockfile runs plain `bun install`, which writes bun.lock and no package-lock.json', async () => {
    const { env } = machine();
    const dir = program('unlocked', manifest);
    commands.length = 0;
    await install(context(env), dir);
    assert.deepEqual(commands, ['bun install']);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['bun.lock', 'node_modules', 'package.json']);
    assert.deepEqual(await bun.installedTreeIsCurrent(dir, []), { current: true });
  });

  it('runs the install scripts of trusted dependencies, and none with ignore-scripts', async () => {
    const { env } = machine();
    const trusted = { ...manifest, trustedDependencies: ['fixture-native'] };
    const ran = path.join('node_modules', 'fixture-native', 'install-ran.json');
    const dir = program('trusted', trusted);
    await install(context(env), dir);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, ran), 'utf8')), { tokenVisible: false });
    const quiet = program('ignore-scripts', trusted);
    commands.length = 0;
    await bun.install(context(env), { dir: quiet, where: 'q', commandLine: undefined, links: [], ignoreScripts: true });
    assert.deepEqual(commands, ['bun install --ignore-scripts']);
    assert.equal(fs.existsSync(path.join(quiet, ran)), false);
    // A command line of the user's gets none either: bun reads NPM_CONFIG_IGNORE_SCRIPTS.
    const custom = program('ignore-scripts-custom', trusted);
    await bun.install(context(env), { dir: custom, where: 'c', commandLine: 'bun install', links: [], ignoreScripts: true });
    assert.equal(fs.existsSync(path.join(custom, ran)), false);
  });

  it('runs a given command line as written', async () => {
    const { env } = machine();
    const dir = program('custom', manifest);
    commands.length = 0;
    await install(context(env), dir, { commandLine: 'bun install --production' });
    assert.deepEqual(commands, ['bun install --production']);
    assert.equal(installedVersion(dir, 'fixture-utils'), '1.1.0');
  });

  it('fails naming what to do when package.json and bun.lock disagree, and leaves both as they were', async () => {
    const { env } = machine();
    const dir = program('stale', { dependencies: { 'fixture-utils': '1.0.0' } });
    const lockfile = await lockWithBun(dir, env);
    const changed = `${JSON.stringify({ name: 'stale', version: '1.0.0', dependencies: { 'fixture-utils': '1.1.0' } })}\n`;
    fs.writeFileSync(path.join(dir, 'package.json'), changed);
    await assert.rejects(install(context(env), dir), {
      name: 'ActionError',
      message:
        '"bun install --frozen-lockfile" failed in stale (exit code 1): package.json and the lockfile disagree (dependencies in package.json ' +
        'changed since bun.lock was saved: fixture-utils changed from 1.0.0 to 1.1.0). Run "bun install" and commit the updated bun.lock.',
    });
    assert.deepEqual(fs.readFileSync(path.join(dir, 'bun.lock')), lockfile);
    assert.equal(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'), changed);
  });

  it("installs what another manager's lockfile describes, frozen, and writes no bun.lock beside it", async () => {
    const { env } = machine();
    const dir = program('migrated', { dependencies: { 'fixture-utils': '^1.0.0' } });
    const npm = await runProcess('npm', ['install', '--package-lock-only', '--registry', registry.url, '--cache', path.join(temp, 'npm-cache')], {
      cwd: dir,
      env: { PATH: machinePath(), HOME: path.join(temp, 'npm-home') },
      timeoutMs: 120_000,
    });
    assert.equal(npm.exitCode, 0, npm.stderr);
    const lockfile = fs.readFileSync(path.join(dir, 'package-lock.json'));
    // npm resolved ^1.0.0 then: 1.1.0; bun keeps what the lockfile says.
    commands.length = 0;
    await install(context(env), dir);
    assert.deepEqual(commands, ['bun install --frozen-lockfile']);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'package-lock.json')), lockfile);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['node_modules', 'package-lock.json', 'package.json']);
  });
});

describe('the installed tree, restored from a cache', () => {
  const manifest = { dependencies: { 'fixture-utils': '^1.0.0', '@pulumi/aws': '0.10.1' } };
  let installed: string;
  let home: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    ({ home, env } = machine());
    fs.writeFileSync(path.join(home, '.npmrc'), `@pulumi:registry=${registry.url}\n${registry.url.replace(/^http:/, '')}:_authToken=${TOKEN}\n`);
    installed = program('restored-source', manifest);
    await install(context(env), installed);
    fs.rmSync(path.join(home, '.npmrc'));
  });

  /** The program as a fresh checkout with node_modules restored as the cache restores it, and no bun cache at all. */
  function restored(name: string): string {
    const dir = path.join(temp, name);
    fs.cpSync(installed, dir, { recursive: true, verbatimSymlinks: true });
    fs.rmSync(path.join(home, '.bun'), { recursive: true, force: true });
    return dir;
  }

  it("is current as restored, and works without bun's cache: a frozen install over it downloads nothing", async () => {
    const dir = restored('restored-exact');
    assert.deepEqual(await bun.installedTreeIsCurrent(dir, []), { current: true });
    // No token and no scope config: bun fetches nothing, so it needs neither.
    await install(context(env), dir);
    const cached = fs.readdirSync(path.join(home, '.bun/install/cache')).filter((name) => !name.startsWith('.'));
    assert.deepEqual(cached, [], 'bun downloaded nothing');
    assert.equal(createRequire(path.join(dir, 'index.js'))('fixture-utils').version, '1.1.0');
  });

  it('is not current once a package is missing, the lockfile or package.json changed, or the record is gone', async () => {
    const missing = restored('restored-missing');
    fs.rmSync(path.join(missing, 'node_modules/fixture-utils'), { recursive: true });
    assert.deepEqual(await bun.installedTreeIsCurrent(missing, []), {
      current: false,
      reason: 'node_modules/fixture-utils is recorded as installed but is missing',
    });
    // A partial hit: bun brings the tree up to date from the registry, and the record follows.
    await install(context(env), missing);
    assert.deepEqual(await bun.installedTreeIsCurrent(missing, []), { current: true });

    const relocked = restored('restored-relocked');
    fs.appendFileSync(path.join(relocked, 'bun.lock'), '\n');
    assert.deepEqual(await bun.installedTreeIsCurrent(relocked, []), { current: false, reason: 'it was installed from another bun.lock' });
    const edited = restored('restored-edited');
    fs.appendFileSync(path.join(edited, 'package.json'), '\n');
    assert.deepEqual(await bun.installedTreeIsCurrent(edited, []), { current: false, reason: 'it was installed from another package.json' });
    const unrecorded = restored('restored-unrecorded');
    fs.rmSync(path.join(unrecorded, 'node_modules/.setup-pulumi-npm-bun.json'));
    assert.equal((await bun.installedTreeIsCurrent(unrecorded, [])).current, false);
  });
});

describe('a workspaces root, installed by the isolated linker (bun 1.3+ default for workspaces)', () => {
  it("is current with its members' links and the store in place, and not once a member's node_modules is gone", async () => {
    const { env } = machine();
    const dir = program('workspaces', { private: true, workspaces: ['packages/*'] });
    program(path.join('workspaces', 'packages', 'member'), { name: 'member', dependencies: { 'fixture-utils': '1.0.0' } });
    await install(context(env), dir);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'node_modules')).sort(), ['.bun', '.setup-pulumi-npm-bun.json']);
    assert.ok(fs.lstatSync(path.join(dir, 'packages/member/node_modules/fixture-utils')).isSymbolicLink());
    assert.deepEqual(await bun.installedTreeIsCurrent(dir, []), { current: true });
    fs.rmSync(path.join(dir, 'packages/member/node_modules'), { recursive: true });
    assert.deepEqual(await bun.installedTreeIsCurrent(dir, []), {
      current: false,
      reason: 'packages/member/node_modules/fixture-utils is recorded as installed but is missing',
    });
  });
});

describe('linked packages', () => {
  it("are linked from npm's global folder after a frozen install that leaves out the peer the registry has, the lockfile unchanged", async () => {
    const { home, env } = machine();
    const dir = program('linked', { dependencies: { 'fixture-peer': '1.0.0' } });
    const lockfile = await lockWithBun(dir, env);
    const ctx = context(env);
    const globalFolder = await bun.links.globalFolder(ctx, dir);
    assert.equal(globalFolder, path.join(home, 'prefix', 'lib', 'node_modules'));
    const sdk = await createLinkablePackage(path.join(temp, 'pulumi-sdk'));
    assert.equal(await bun.links.register(sdk, ['pulumi'], globalFolder), 'pulumi');
    await bun.links.requireGlobal(['pulumi'], globalFolder);
    commands.length = 0;
    await install(ctx, dir, { links: ['pulumi'] });
    assert.deepEqual(
      commands.filter((line) => line.startsWith('bun')),
      ['bun install --frozen-lockfile --omit=peer'],
    );
    assert.deepEqual(fs.readFileSync(path.join(dir, 'bun.lock')), lockfile);
    assert.deepEqual(await bun.links.verify(dir, 'linked', ['pulumi']), [{ name: 'pulumi', target: fs.realpathSync(sdk), version: '0.10.0' }]);
    assert.deepEqual(createRequire(path.join(dir, 'index.js'))('pulumi'), { linked: true, name: 'pulumi', version: '0.10.0' });
    // The link is not part of what bun installed: the tree is current with it, and relinked into a restored tree.
    assert.deepEqual(await bun.installedTreeIsCurrent(dir, ['pulumi']), { current: true });
    fs.rmSync(path.join(dir, 'node_modules/pulumi'));
    await bun.links.intoRestoredTree(ctx, dir, 'linked', ['pulumi'], globalFolder);
    assert.equal(fs.realpathSync(path.join(dir, 'node_modules/pulumi')), fs.realpathSync(sdk));
  });
});

describe('a token-gated scope through the credential proxy', () => {
  it("installs with a trusted dependency's install script that finds the token in no environment, command line or file", async () => {
    const runnerTemp = path.join(temp, 'runner-temp');
    const dump = path.join(temp, 'spy-dump');
    const { home, env: machineEnv } = machine({ RUNNER_TEMP: runnerTemp, SPY_DUMP: dump });
    // bun install loads the program's .env: one that would send bun around the proxy (then without the token) changes nothing.
    const dotenv = 'NO_PROXY=127.0.0.1\nno_proxy=127.0.0.1\nhttp_proxy=http://127.0.0.1:9/\nnpm_config_userconfig=/dev/null\n';
    const dir = program(
      'proxied',
      { dependencies: { '@pulumi/aws': '0.10.1', '@pulumi/spy-native': '1.0.0' }, trustedDependencies: ['@pulumi/spy-native'] },
      { '.env': dotenv },
    );
    // The job's environment as the action sees it: the token as an input and a variable, neither of which bun gets.
    const jobEnv = { ...machineEnv, GITHUB_WORKSPACE: dir, PULUMI_ACCESS_TOKEN: TOKEN, 'INPUT_PULUMI-ACCESS-TOKEN': TOKEN };
    const config = await bun.registry.writeScoped({ runnerTemp, env: jobEnv, scope: '@pulumi', registryUrl: registry.url, onFolder: () => {} });
    assert.deepEqual(config.variables, { NPM_CONFIG_USERCONFIG: config.file });
    assert.deepEqual(await bun.registry.checkProxyRouting(context(jobEnv), [dir], '@pulumi', registry.url), {});

    // Without the proxy the registry refuses bun: the scope is token-gated.
    await assert.rejects(install(context({ ...jobEnv, NPM_CONFIG_USERCONFIG: config.installFile }), dir), /the registry rejected the credentials \(401\)/);

    const session = await openProxySession({ registryUrl: registry.url, token: TOKEN, network: {}, env: jobEnv, folder: config.dir });
    try {
      const ctx = context(jobEnv, { proxyUrl: session.proxyUrl, configFile: config.installFile });
      assert.ok(!JSON.stringify(ctx.env).includes(TOKEN), "bun's environment holds no token");
      await install(ctx, dir);
      const lockfile = fs.readFileSync(path.join(dir, 'bun.lock'), 'utf8');
      assert.match(lockfile, new RegExp(`"${registry.url}@pulumi/aws/-/aws-0\\.10\\.1\\.tgz"`), 'the lockfile names the registry, not the proxy');
      // Frozen, from an empty cache: the tarballs come through the proxy too.
      fs.rmSync(path.join(dir, 'node_modules'), { recursive: true });
      fs.rmSync(path.join(home, '.bun'), { recursive: true });
      await install(ctx, dir);
      assert.equal(installedVersion(dir, '@pulumi/aws'), '0.10.1');
    } finally {
      await session.close();
    }
    const reports = fs.readdirSync(dump).filter((name) => name.endsWith('.json'));
    assert.equal(reports.length, 2, 'the install script ran in both installs');
    const report = JSON.parse(fs.readFileSync(path.join(dump, reports[0]!), 'utf8')) as { roots: string[]; processes: number };
    assert.deepEqual(report.roots, [home, runnerTemp, dir]);
    assert.ok(report.processes > 3, 'the script could read the environments of the processes around it');
    assert.deepEqual(
      (await findSecret(TOKEN, { dirs: [dump] })).map((hit) => hit.where),
      [],
      'no environment, command line or file the script could read holds the token',
    );
  });
});

describe('an https registry through the credential proxy', () => {
  it("trusts the proxy's authority through NODE_EXTRA_CA_CERTS, beside the roots the runner trusts, and locks the registry's URLs", async () => {
    const httpsUrl = registry.httpsUrl!;
    const authorityFile = path.join(temp, 'test-authority.pem');
    fs.writeFileSync(authorityFile, testAuthority.authorityPem);
    // The runner trusts its registry's certificate through NODE_EXTRA_CA_CERTS; bun's default registry is the same one.
    const { env } = machine({ NODE_EXTRA_CA_CERTS: authorityFile, NPM_CONFIG_REGISTRY: httpsUrl });
    const dir = program('https', { dependencies: { '@pulumi/aws': '0.10.1', 'fixture-utils': '1.0.0' } });
    const runnerTemp = path.join(temp, 'runner-temp-https');
    const config = await bun.registry.writeScoped({ runnerTemp, env, scope: '@pulumi', registryUrl: httpsUrl, onFolder: () => {} });
    const session = await openProxySession({ registryUrl: httpsUrl, token: TOKEN, network: {}, env, folder: config.dir });
    try {
      assert.ok(session.certificates);
      await install(context(env, { proxyUrl: session.proxyUrl, configFile: config.installFile, certificates: session.certificates }), dir);
    } finally {
      await session.close();
    }
    const lockfile = fs.readFileSync(path.join(dir, 'bun.lock'), 'utf8');
    const urls = [...lockfile.matchAll(/"(https?:\/\/[^"]+\.tgz)"/g)].map((match) => match[1]);
    assert.deepEqual(urls, [`${httpsUrl}@pulumi/aws/-/aws-0.10.1.tgz`, `${httpsUrl}fixture-utils/-/fixture-utils-1.0.0.tgz`]);
    assert.equal(installedVersion(dir, '@pulumi/aws'), '0.10.1');
  });
});

describe("bun's config", () => {
  const scoped = (url: string) => `[install.scopes]\n"@pulumi" = "${url}"\n`;

  it('resolves the scope as bun does: the bunfigs, then the .npmrc files, the default registry from the environment first', async () => {
    const { home, env } = machine();
    const dir = program('configured', {}, { '.npmrc': 'registry=http://127.0.0.1:4/\n@pulumi:registry=http://127.0.0.1:5/\n' });
    const configured = (changes: Record<string, string | undefined> = {}) => bun.registry.configured('@pulumi', dir, { ...env, ...changes });
    assert.deepEqual(await configured(), { url: 'http://127.0.0.1:5/', hostReplacement: { replace: 'never', registry: registry.url } });
    fs.writeFileSync(path.join(home, '.bunfig.toml'), scoped('http://127.0.0.1:6'));
    assert.equal((await configured()).url, 'http://127.0.0.1:6/');
    fs.writeFileSync(path.join(dir, 'bunfig.toml'), `${scoped('http://127.0.0.1:7/')}[install]\nregistry = { url = "http://127.0.0.1:8/" }\n`);
    assert.equal((await configured()).url, 'http://127.0.0.1:7/');
    assert.deepEqual(await configured({ NPM_CONFIG_REGISTRY: undefined }), {
      url: 'http://127.0.0.1:7/',
      hostReplacement: { replace: 'never', registry: 'http://127.0.0.1:8/' },
    });
    // XDG_CONFIG_HOME moves the global bunfig: ~/.bunfig.toml is then not read.
    fs.rmSync(path.join(dir, 'bunfig.toml'));
    assert.equal((await configured({ XDG_CONFIG_HOME: path.join(home, 'xdg') })).url, 'http://127.0.0.1:5/');
  });

  it("refuses a project's config that routes the scope elsewhere or brings its own roots, and a global bunfig's scope, naming file and setting", async () => {
    const { home, env } = machine();
    const check = (dir: string) => bun.registry.checkProxyRouting(context(env), [dir], '@pulumi', registry.url);
    const elsewhere = program('elsewhere', {}, { 'bunfig.toml': scoped('http://127.0.0.1:9/') });
    await assert.rejects(check(elsewhere), {
      message:
        `${path.join(elsewhere, 'bunfig.toml')} routes @pulumi to http://127.0.0.1:9/, not to "registry-url" (${registry.url}), so the install ` +
        'would not get the scope from the registry the token is for. Remove that setting, or set "registry-url" to it if you trust it.',
    });
    const roots = program('roots', {}, { '.npmrc': 'cafile=/etc/evil.pem\n' });
    await assert.rejects(check(roots), { message: new RegExp(`^${path.join(roots, '.npmrc')} sets "cafile": bun would trust those certificates alone`) });
    const bunfigRoots = program('bunfig-roots', {}, { 'bunfig.toml': '[install]\nca = "-----BEGIN CERTIFICATE-----"\n' });
    await assert.rejects(check(bunfigRoots), { message: /bunfig\.toml sets "ca"/ });
    const broken = program('broken-bunfig', {}, { 'bunfig.toml': '[install\n' });
    await assert.rejects(check(broken), { message: new RegExp(`^${path.join(broken, 'bunfig.toml')} is not valid TOML: TOML Parse error`) });
    const same = program('same', {}, { 'bunfig.toml': scoped(registry.url.replace(/\/$/, '')), '.npmrc': `@pulumi:registry=${registry.url}\n` });
    assert.deepEqual(await check(same), {});
    fs.writeFileSync(path.join(home, '.bunfig.toml'), scoped('http://127.0.0.1:10/'));
    await assert.rejects(check(same), { message: /\.bunfig\.toml routes @pulumi to http:\/\/127\.0\.0\.1:10\/.* It outranks the action's config for bun\.$/ });
  });
});

describe('bunEnvironment', () => {
  it('points bun at the credential proxy and the install config, never the token, and keeps inputs and competing settings out', () => {
    const env = bun.environment(
      {
        PATH: '/bin',
        HOME: '/home/u',
        'INPUT_PULUMI-ACCESS-TOKEN': 'secret',
        PULUMI_ACCESS_TOKEN: 'secret',
        https_proxy: 'http://corp:3128/',
        NO_PROXY: '127.0.0.1',
        npm_config_userconfig: '/elsewhere',
        BUN_CONFIG_REGISTRY: 'http://mirror/',
      },
      { proxyUrl: 'http://127.0.0.1:4873', configFile: '/t/install.npmrc', certificates: { extraCaFile: '/t/extra.pem', caFile: '/t/ca.pem' } },
    );
    assert.deepEqual(env, {
      PATH: '/bin',
      HOME: '/home/u',
      BUN_CONFIG_REGISTRY: 'http://mirror/',
      NPM_CONFIG_USERCONFIG: '/t/install.npmrc',
      npm_config_userconfig: '/t/install.npmrc',
      HTTP_PROXY: 'http://127.0.0.1:4873',
      http_proxy: 'http://127.0.0.1:4873',
      HTTPS_PROXY: 'http://127.0.0.1:4873',
      https_proxy: 'http://127.0.0.1:4873',
      NO_PROXY: '',
      no_proxy: '',
      NODE_EXTRA_CA_CERTS: '/t/extra.pem',
    });
    assert.deepEqual(bun.environment({ PATH: '/bin', PULUMI_ACCESS_TOKEN: 'backend-token', INPUT_LINK: 'pulumi', NO_PROXY: 'x' }, undefined), {
      PATH: '/bin',
      NO_PROXY: 'x',
    });
  });
});

describe('explainBunFailure', () => {
  const explain = (stderr: string, exitCode: number | null = 1) =>
    explainBunFailure('bun install', 'infra', { exitCode, stdout: '', stderr }, 'https://npmjs.pulumi.com/').message;

  it("turns bun's error lines into what to do", () => {
    assert.match(
      explain('error: GET https://npmjs.pulumi.com/@pulumi%2faws - 403\nerror: @pulumi/aws@7.0.0 failed to resolve'),
      /, fetching https:\/\/npmjs\.pulumi\.com\/@pulumi%2faws: access denied \(403\)/,
    );
    assert.match(
      explain('error: GET http://127.0.0.1:1/nope - 404\nerror: nope@^1.0.0 failed to resolve'),
      /: nope@\^1\.0\.0 was not found \(404 for http:\/\/127\.0\.0\.1:1\/nope\)\. Check its name and version in package\.json and the lockfile, and that the registry it comes from has it \(the scope's packages come from https:\/\/npmjs\.pulumi\.com\/\)\.$/,
    );
    assert.match(
      explain('\n$ exit 3\nerror: postinstall script from "p" exited with 3'),
      /: the postinstall script of "p" failed \(exit code 3\)\. .*"ignore-scripts: true"/,
    );
    assert.match(
      explain('error: ConnectionRefused downloading package manifest fixture-native'),
      /: the connection to the registry failed \(ConnectionRefused\) and bun gave up\. Check that the runner reaches it/,
    );
    assert.equal(
      explain('error: Expected "}" but found end of file'),
      '"bun install" failed in infra (exit code 1): Expected "}" but found end of file. bun\'s output is in the log above.',
    );
    assert.match(explain('', null), /^"bun install" in infra was killed before it finished/);
  });
});
