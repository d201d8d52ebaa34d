import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCommand, type CommandRunner } from '../src/package-managers/command.js';
import type { ManagerContext, ProxyAccess, ScopedConfig } from '../src/package-managers/types.js';
import { withBerryRetries } from '../src/package-managers/yarn/environment.js';
import { yarn } from '../src/package-managers/yarn/index.js';
import { issueInterceptionCertificates } from '../src/token/certificate-authority.js';
import { openProxySession, type ProxySession } from '../src/token/credential-proxy-session.js';
import { createLinkablePackage, defaultFixturePackages } from './support/fixtures.js';
import { managerBinDir, pathWithManager } from './support/managers.js';
import { machinePath } from './support/process.js';
import { findSecret } from './support/secret-scan.js';
import { useRegistry } from './support/servers.js';
import { BERRY_PROJECT_RC, berryHomeRc, yarnLockfile, type YarnGeneration } from './support/yarn.js';

// The yarn row against real yarn 1 and yarn 4 and the test registry, whose @pulumi scope needs the token: each
// install goes through the credential proxy, with a dependency's install script looking for the token everywhere.
const authority = issueInterceptionCertificates('localhost');
const spy = fs.readFileSync(new URL('./fixtures/token-spy.cjs', import.meta.url), 'utf8');
const spyDependency = { name: 'spy-dependency', version: '1.0.0', scripts: { postinstall: 'node spy.cjs dependency-postinstall' }, files: { 'spy.cjs': spy } };
const registry = await useRegistry({
  packages: [...defaultFixturePackages, spyDependency],
  tls: { cert: authority.hostCertificatePem, key: authority.hostKeyPem },
});
const TOKEN = registry.tokens.ci;
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'yarn-row-'));
const authorityFile = path.join(temp, 'test-authority.pem');
fs.writeFileSync(authorityFile, authority.authorityPem);
const originalPath = process.env['PATH'];
after(() => {
  process.env['PATH'] = originalPath;
  fs.rmSync(temp, { recursive: true, force: true });
});

const dependencies = { '@pulumi/aws': '^0.10.0', 'fixture-utils': '^1.0.0', 'spy-dependency': '1.0.0' };

type Generation = YarnGeneration;
/** Yarn 1 reaches the http registry, yarn 4 the https one (it tunnels even http through a proxy, see config-check.ts). */
const registryFor = (generation: Generation) => (generation === 'yarn1' ? registry.url : registry.httpsUrl!);
const quietRun: CommandRunner = (command, args, options) => runCommand(command, args, { ...options, quiet: true });

let counter = 0;
/** A job: its HOME (the user's own yarn config, without the token), RUNNER_TEMP, workspace and environment. */
function job(generation: Generation) {
  const root = fs.mkdtempSync(path.join(temp, `${generation}-job-${counter++}-`));
  const [home, runnerTemp, workspace, dump, prefix] = ['home', 'runner-temp', 'workspace', 'spy', 'npm-prefix'].map((name) => path.join(root, name));
  for (const dir of [home, runnerTemp, workspace]) fs.mkdirSync(dir);
  const registryUrl = registryFor(generation);
  fs.writeFileSync(path.join(home, '.npmrc'), `registry=${registryUrl}\n`);
  fs.writeFileSync(path.join(home, '.yarnrc.yml'), berryHomeRc(registryUrl));
  const env: NodeJS.ProcessEnv = {
    PATH: pathWithManager(generation, machinePath()),
    HOME: home,
    TMPDIR: runnerTemp,
    CI: 'true',
    RUNNER_TEMP: runnerTemp,
    GITHUB_WORKSPACE: workspace,
    SPY_DUMP: dump!,
    NODE_EXTRA_CA_CERTS: authorityFile,
    NPM_CONFIG_PREFIX: prefix!,
    YARN_ENABLE_TELEMETRY: '0',
    PULUMI_ACCESS_TOKEN: TOKEN,
    // Yarn 1 run by root keeps its cache in /usr/local/share whatever HOME says (yarn 2+ would read this as its own).
    ...(generation === 'yarn1' && { YARN_CACHE_FOLDER: path.join(root, 'yarn-cache') }),
  };
  // @actions/exec finds the command on this process's PATH: the tests of this file run one at a time.
  process.env['PATH'] = env['PATH'];
  const context: ManagerContext = { run: quietRun, env: yarn.environment(env, undefined), registryUrl };
  return { root, home: home!, runnerTemp: runnerTemp!, workspace: workspace!, dump: dump!, env, context, registryUrl };
}
type Job = ReturnType<typeof job>;

/** A program folder in the job's workspace, with its package.json and (yarn 2+) .yarnrc.yml; and the lockfile if given. */
function program(target: Job, generation: Generation, lockfile?: string, manifest: object = { dependencies }): string {
  const dir = fs.mkdtempSync(path.join(target.workspace, 'program-'));
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'program', version: '1.0.0', ...manifest }, null, 2)}\n`);
  if (generation === 'yarn4') fs.writeFileSync(path.join(dir, '.yarnrc.yml'), BERRY_PROJECT_RC);
  if (lockfile !== undefined) fs.writeFileSync(path.join(dir, 'yarn.lock'), lockfile);
  fs.writeFileSync(path.join(dir, 'spy.cjs'), spy);
  return dir;
}

/** The scoped config and the credential proxy, as the action opens them for the installs. */
async function routed(target: Job): Promise<{ config: ScopedConfig; session: ProxySession; env: NodeJS.ProcessEnv; context: ManagerContext }> {
  const config = await yarn.registry.writeScoped({
    runnerTemp: target.runnerTemp,
    env: target.env,
    scope: '@pulumi',
    registryUrl: target.registryUrl,
    onFolder: () => {},
  });
  const session = await openProxySession({ registryUrl: target.registryUrl, token: TOKEN, network: {}, env: target.env, folder: config.dir });
  const access: ProxyAccess = {
    proxyUrl: session.proxyUrl,
    configFile: config.installFile,
    ...(session.certificates && { certificates: session.certificates }),
  };
  const env = yarn.environment(target.env, access);
  return { config, session, env, context: { ...target.context, env } };
}

const lockfiles: Partial<Record<Generation, string>> = {};
before(async () => {
  for (const generation of ['yarn1', 'yarn4'] as const) {
    lockfiles[generation] = await yarnLockfile(generation, { name: 'program', version: '1.0.0', dependencies }, registryFor(generation), TOKEN, temp, {
      NODE_EXTRA_CA_CERTS: authorityFile,
    });
  }
});

for (const [generation, version] of [
  ['yarn1', '1.22.22'],
  ['yarn4', '4.18.1'],
] as const) {
  describe(`yarn ${version}`, () => {
    it('says which yarn runs in the program', async () => {
      const target = job(generation);
      assert.equal(await yarn.version(target.context, program(target, generation)), version);
    });

    it('installs a token-gated scope through the credential proxy, frozen: yarn.lock unchanged, no install script finds the token', async () => {
      const target = job(generation);
      const dir = program(target, generation, lockfiles[generation]);
      // The runner's own proxy in ~/.yarnrc, which yarn 1 would prefer to the credential proxy's variables.
      fs.writeFileSync(path.join(target.home, '.yarnrc'), 'proxy "http://127.0.0.1:9/"\nhttps-proxy "http://127.0.0.1:9/"\n');
      const { config, session, context } = await routed(target);
      const install = () => yarn.install(context, { dir, where: 'program', commandLine: undefined, links: [], ignoreScripts: false });
      try {
        assert.ok(!JSON.stringify(context.env).includes(TOKEN), 'the environment of yarn holds no token');
        await install();
        assert.equal(fs.readFileSync(path.join(dir, 'yarn.lock'), 'utf8'), lockfiles[generation], 'yarn.lock is byte-identical');
        assert.ok(!fs.existsSync(path.join(dir, 'package-lock.json')), 'no package-lock.json appears');
        assert.ok(fs.existsSync(path.join(dir, 'node_modules/@pulumi/aws/package.json')), 'the scope was installed');
        assert.ok(
          fs.readdirSync(target.dump).some((name) => name.startsWith('dependency-postinstall-')),
          "the dependency's install script ran",
        );
        assert.deepEqual(
          (await findSecret(TOKEN, { dirs: [target.dump, config.dir] })).map((hit) => hit.where),
          [],
          'no environment, command line or file the script could read, nor the action config, holds the token',
        );
        assert.deepEqual(await yarn.installedTreeIsCurrent(dir, []), { current: true });
        // A partial cache hit: a folder of the tree is gone, yarn's record still says it is there.
        fs.rmSync(path.join(dir, 'node_modules/fixture-utils'), { recursive: true });
        const tampered = await yarn.installedTreeIsCurrent(dir, []);
        assert.equal(tampered.current, false);
        assert.match(tampered.reason ?? '', /node_modules\/fixture-utils is recorded as installed but is missing/);
        await install();
      } finally {
        await session.close();
      }
      assert.deepEqual(await yarn.installedTreeIsCurrent(dir, []), { current: true }, 'the install brought the tree up to date');
      if (generation === 'yarn4') {
        assert.ok(fs.existsSync(path.join(target.home, '.yarn/berry/cache')), "yarn 4's cache stays in the user's global folder");
        assert.ok(!fs.existsSync(path.join(config.dir, 'home/.yarn')), 'not in the action home');
      }
      assert.equal(fs.readFileSync(path.join(dir, 'yarn.lock'), 'utf8'), lockfiles[generation]);
    });

    it('installs without a lockfile and without scripts, writing yarn.lock, not package-lock.json; the tree check follows the lockfile', async () => {
      const target = job(generation);
      const scripts = { postinstall: 'node spy.cjs program-postinstall' };
      const dir = program(target, generation, undefined, { dependencies: { 'fixture-utils': '^1.0.0', 'spy-dependency': '1.0.0' }, scripts });
      await yarn.install(target.context, { dir, where: 'program', commandLine: undefined, links: [], ignoreScripts: true });
      assert.ok(!fs.existsSync(target.dump), "with ignore-scripts, neither the dependency's install script nor the program's own ran");
      assert.ok(fs.existsSync(path.join(dir, 'yarn.lock')));
      assert.ok(!fs.existsSync(path.join(dir, 'package-lock.json')));
      assert.deepEqual(await yarn.installedTreeIsCurrent(dir, []), { current: true });
      const lockfile = path.join(dir, 'yarn.lock');
      fs.writeFileSync(lockfile, fs.readFileSync(lockfile, 'utf8').replace(/1\.1\.0/g, '1.0.0'));
      assert.equal((await yarn.installedTreeIsCurrent(dir, [])).current, false, 'a changed lockfile entry is not the installed tree');
    });

    it('says the lockfile needs an update when package.json asks for more than it locks', async () => {
      const target = job(generation);
      const dir = program(target, generation, lockfiles[generation], { dependencies: { ...dependencies, 'fixture-native': '1.0.0' } });
      const { session, context } = await routed(target);
      try {
        await assert.rejects(yarn.install(context, { dir, where: 'program', commandLine: undefined, links: [], ignoreScripts: true }), {
          name: 'ActionError',
          message: new RegExp(
            `^"yarn install --${generation === 'yarn1' ? 'frozen-lockfile --ignore-scripts' : 'immutable --mode=skip-build'}" ` +
              'failed in program \\(exit code 1\\): ' +
              'yarn.lock does not match package.json, and the install may not change it',
          ),
        });
      } finally {
        await session.close();
      }
      assert.equal(fs.readFileSync(path.join(dir, 'yarn.lock'), 'utf8'), lockfiles[generation]);
    });

    it("links a package from npm's global folder without touching package.json, and verifies it", async () => {
      const target = job(generation);
      const dir = program(target, generation, undefined, { dependencies: { 'fixture-utils': '^1.0.0' }, peerDependencies: { pulumi: '*' } });
      const manifest = fs.readFileSync(path.join(dir, 'package.json'), 'utf8');
      const sdk = await createLinkablePackage(path.join(target.root, 'pulumi-sdk'));
      const globalFolder = await yarn.links.globalFolder(target.context, dir);
      await yarn.links.register(sdk, ['pulumi'], globalFolder);
      await yarn.install(target.context, { dir, where: 'program', commandLine: undefined, links: ['pulumi'], ignoreScripts: true });
      assert.equal(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'), manifest, 'package.json is unchanged');
      const [verified] = await yarn.links.verify(dir, 'program', ['pulumi']);
      assert.equal(verified?.target, fs.realpathSync(sdk));
      assert.deepEqual(await yarn.installedTreeIsCurrent(dir, ['pulumi']), { current: true });
    });
  });
}

describe("yarn 2+'s retries", () => {
  it('are one per request (yarn 2+ fetches every package before it gives up), unless the job says otherwise or the yarn has none', () => {
    assert.equal(withBerryRetries({ PATH: '/bin' }, '4.18.1')['YARN_HTTP_RETRY'], '1');
    assert.equal(withBerryRetries({ PATH: '/bin', YARN_HTTP_RETRY: '5' }, '4.18.1')['YARN_HTTP_RETRY'], '5');
    assert.equal(withBerryRetries({ PATH: '/bin' }, '2.0.0-rc.36')['YARN_HTTP_RETRY'], undefined);
    assert.equal(withBerryRetries({ PATH: '/bin' }, '2.3.1')['YARN_HTTP_RETRY'], undefined);
    assert.equal(withBerryRetries({ PATH: '/bin' }, '2.4.2')['YARN_HTTP_RETRY'], '1');
    assert.equal(withBerryRetries({ PATH: '/bin' }, '3.8.7')['YARN_HTTP_RETRY'], '1');
  });
});

describe("a project's yarnPath", () => {
  const yarn4File = fs.realpathSync(path.join(managerBinDir('yarn4')!, 'yarn'));
  it("is the yarn that runs, and the one the install follows: yarn 1 handing over to yarn 4 refuses Plug'n'Play", async () => {
    const target = job('yarn1');
    const dir = program(target, 'yarn1', undefined, { dependencies: { 'fixture-utils': '^1.0.0' } });
    fs.writeFileSync(path.join(dir, '.yarnrc'), `yarn-path ${JSON.stringify(yarn4File)}\n`);
    assert.equal(await yarn.version(target.context, dir), '4.18.1');
    await assert.rejects(yarn.install(target.context, { dir, where: 'program', commandLine: undefined, links: [], ignoreScripts: true }), {
      message: /^program uses Yarn Plug'n'Play/,
    });
  });
});

describe("yarn 4's Plug'n'Play", () => {
  for (const [name, rc, said] of [
    ['without a .yarnrc.yml', undefined, "no .yarnrc.yml sets \"nodeLinker\", and yarn's default is Plug'n'Play \\(pnp\\)"],
    ['with nodeLinker: pnp', 'nodeLinker: pnp\n', '\\S+/\\.yarnrc\\.yml sets "nodeLinker: pnp"'],
  ] as const) {
    it(`is refused before anything is installed, ${name}`, async () => {
      const target = job('yarn4');
      const dir = program(target, 'yarn4', undefined, { dependencies: { 'fixture-utils': '^1.0.0' } });
      if (rc === undefined) fs.rmSync(path.join(dir, '.yarnrc.yml'));
      else fs.writeFileSync(path.join(dir, '.yarnrc.yml'), rc);
      await assert.rejects(yarn.install(target.context, { dir, where: 'program', commandLine: undefined, links: [], ignoreScripts: true }), {
        name: 'ActionError',
        message: new RegExp(`^program uses Yarn Plug'n'Play: ${said}\\. .*Add "nodeLinker: node-modules" to the \\.yarnrc\\.yml beside yarn\\.lock`),
      });
      assert.deepEqual(fs.readdirSync(dir).sort(), [...(rc ? ['.yarnrc.yml'] : []), 'package.json', 'spy.cjs'].sort(), 'nothing was written');
    });
  }
});

describe('the routing check', () => {
  const cases: Array<[Generation, string, string, (registryUrl: string) => string, RegExp]> = [
    [
      'yarn1',
      '.npmrc',
      'https-proxy',
      () => 'https-proxy=http://127.0.0.1:9/\n',
      /\.npmrc sets "https-proxy" to "http:\/\/127\.0\.0\.1:9\/": the repository may not choose/,
    ],
    [
      'yarn1',
      '.yarnrc',
      'the scope',
      () => '"@pulumi:registry" "https://elsewhere.invalid/"\n',
      /\.yarnrc sets "@pulumi:registry" to https:\/\/elsewhere\.invalid\/, not to "registry-url"/,
    ],
    ['yarn1', '.npmrc', 'strict-ssl', () => 'strict-ssl=false\n', /\.npmrc sets "strict-ssl" to false/],
    [
      'yarn4',
      '.yarnrc.yml',
      'httpsProxy',
      () => `${BERRY_PROJECT_RC}httpsProxy: "http://127.0.0.1:9/"\n`,
      /\.yarnrc\.yml sets "httpsProxy" to "http:\/\/127\.0\.0\.1:9\/"/,
    ],
    ['yarn4', '.yarnrc.yml', 'enableStrictSsl', () => `${BERRY_PROJECT_RC}enableStrictSsl: false\n`, /\.yarnrc\.yml sets "enableStrictSsl" to false/],
    [
      'yarn4',
      '.yarnrc.yml',
      'npmScopes',
      () => `${BERRY_PROJECT_RC}npmScopes:\n  pulumi:\n    npmRegistryServer: "https://elsewhere.invalid/"\n`,
      /\.yarnrc\.yml sets "npmScopes\.pulumi\.npmRegistryServer" to https:\/\/elsewhere\.invalid\/, not to "registry-url"/,
    ],
  ];
  for (const [generation, file, setting, text, message] of cases) {
    it(`names the file and the setting: ${generation}, ${setting} in ${file}`, async () => {
      const target = job(generation);
      const dir = program(target, generation);
      fs.writeFileSync(path.join(dir, file), text(target.registryUrl));
      await assert.rejects(yarn.registry.checkProxyRouting(target.context, [dir], '@pulumi', target.registryUrl), { name: 'ActionError', message });
    });
  }

  it("passes a clean program, and returns the runner's own proxy from the home config", async () => {
    const target = job('yarn4');
    fs.appendFileSync(path.join(target.home, '.yarnrc.yml'), 'httpsProxy: "http://127.0.0.1:9/"\n');
    const network = await yarn.registry.checkProxyRouting(target.context, [program(target, 'yarn4')], '@pulumi', target.registryUrl);
    assert.deepEqual(network, { httpsProxy: 'http://127.0.0.1:9/' });
  });

  it('refuses an http registry for yarn 2+, which the credential proxy could not authorise', async () => {
    const target = job('yarn4');
    await assert.rejects(yarn.registry.checkProxyRouting(target.context, [program(target, 'yarn4')], '@pulumi', registry.url), {
      message: /yarn 4\.18\.1 reaches a registry through a proxy by a CONNECT tunnel.*set "registry-url" to the registry's https:\/\/ address/,
    });
  });
});
