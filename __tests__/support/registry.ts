import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

import { defaultFixturePackages, fixtureManifest, isolatedNpmEnv, runNpm, writePackageFolder } from './fixtures.js';
import type { FixturePackage } from './fixtures.js';
import * as http from 'node:http';
import * as https from 'node:https';
import { LOOPBACK, closeNow, freePort, listenOnLoopback } from './loopback.js';
import { killGroup, machinePath } from './process.js';

export { createLinkablePackage, defaultFixturePackages } from './fixtures.js';
export type { FixturePackage } from './fixtures.js';

export interface TestRegistry {
  /** 'http://127.0.0.1:<port>/' */
  url: string;
  /** ci may read and publish @pulumi/*; outsider is a valid user without access to @pulumi/*. */
  tokens: { ci: string; outsider: string };
  storageDir: string;
  /** With `tls`: 'https://localhost:<port>/', the same registry served over TLS (`url` serves it in clear). */
  httpsUrl?: string;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  /** What is published, in order; defaultFixturePackages unless given. */
  packages?: FixturePackage[];
  /** Anyone may read @pulumi/*, as on npm today; otherwise only the ci user, as on the Pulumi npm proxy. */
  publicScope?: boolean;
  /** Also serve over TLS with this certificate (for localhost) and key, PEM. */
  tls?: { cert: string; key: string };
}

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const verdaccioBin = path.join(projectRoot, 'node_modules/verdaccio/bin/verdaccio');
const STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 15_000;
const LOG_TAIL_LINES = 40;

type UserName = keyof TestRegistry['tokens'];
const userNames: UserName[] = ['ci', 'outsider'];

/**
 * Starts Verdaccio on 127.0.0.1 (no uplinks, so no network), logs in both users and publishes the fixtures. The
 * @pulumi scope needs the ci token, as on the Pulumi npm proxy; `publicScope` lets anyone read it, as npm does today.
 */
export async function startRegistry(options: RegistryOptions = {}): Promise<TestRegistry> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'test-registry-'));
  const logFile = path.join(root, 'verdaccio.log');
  let child: ChildProcess | undefined;
  let stopFront: (() => Promise<void>) | undefined;
  const stop = async (): Promise<void> => {
    await stopFront?.();
    if (child) await stopProcess(child);
    await rm(root, { recursive: true, force: true });
  };
  try {
    const passwords = Object.fromEntries(userNames.map((name) => [name, randomBytes(18).toString('base64url')]));
    await writeFile(
      path.join(root, 'htpasswd'),
      userNames.map((name) => `${name}:{SHA}${createHash('sha1').update(passwords[name]!).digest('base64')}\n`).join(''),
    );
    const storageDir = path.join(root, 'storage');
    await mkdir(storageDir);
    const port = await freePort();
    const configFile = path.join(root, 'config.yaml');
    await writeFile(configFile, YAML.stringify(verdaccioConfig(root, storageDir, port, options.publicScope ?? false)));
    child = await spawnVerdaccio(configFile, root, logFile);
    const url = `http://${LOOPBACK}:${port}/`;
    await waitForPing(url, child, logFile);
    const tokens = {
      ci: await login(url, 'ci', passwords.ci!),
      outsider: await login(url, 'outsider', passwords.outsider!),
    };
    await publishFixtures(url, tokens.ci, options.packages ?? defaultFixturePackages, root);
    if (!options.tls) return { url, tokens, storageDir, stop };
    const front = await serveOverTls(options.tls, port);
    stopFront = front.stop;
    return { url, tokens, storageDir, stop, httpsUrl: front.url };
  } catch (error) {
    const tail = await logTail(logFile);
    await stop();
    throw new Error(`${(error as Error).message}${tail ? `\nverdaccio log (last lines):\n${tail}` : ''}`, { cause: error });
  }
}

function verdaccioConfig(root: string, storageDir: string, port: number, publicScope: boolean): Record<string, unknown> {
  return {
    storage: storageDir,
    auth: { htpasswd: { file: path.join(root, 'htpasswd'), max_users: -1 } },
    uplinks: {},
    packages: {
      '@pulumi/*': { access: publicScope ? '$all' : 'ci', publish: 'ci', unpublish: 'ci' },
      '**': { access: '$all', publish: '$authenticated', unpublish: '$authenticated' },
    },
    web: { enable: false },
    listen: `${LOOPBACK}:${port}`,
    log: { type: 'stdout', format: 'pretty', level: 'http', colors: false },
  };
}

/**
 * Verdaccio 6 listens on one address: the https one is a TLS front in this process that forwards each request to it
 * in clear, saying it came over https (X-Forwarded-Proto), so the tarball URLs Verdaccio writes are https ones.
 */
async function serveOverTls(tlsFiles: { cert: string; key: string }, port: number): Promise<{ url: string; stop(): Promise<void> }> {
  const server = https.createServer({ cert: tlsFiles.cert, key: tlsFiles.key }, (request, response) => {
    const headers = { ...request.headers, 'x-forwarded-proto': 'https' };
    const outgoing = http.request({ host: LOOPBACK, port, method: request.method, path: request.url, headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    outgoing.on('error', () => response.destroy());
    request.pipe(outgoing);
  });
  const httpsPort = await listenOnLoopback(server);
  // By name: npm checks an https registry's certificate against "localhost" when it goes through a proxy to an IP address.
  return { url: `https://localhost:${httpsPort}/`, stop: () => closeNow(server) };
}

async function spawnVerdaccio(configFile: string, root: string, logFile: string): Promise<ChildProcess> {
  const log = await open(logFile, 'a');
  try {
    return spawn(process.execPath, [verdaccioBin, '--config', configFile], {
      cwd: root,
      // Its own HOME so it reads and writes nothing of the machine's.
      env: { PATH: machinePath(), HOME: root, TMPDIR: path.join(root, 'tmp'), NODE_ENV: 'test' },
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
    });
  } finally {
    await log.close();
  }
}

async function waitForPing(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`verdaccio exited (${child.exitCode ?? child.signalCode}) before answering; log: ${logFile}`);
    }
    try {
      const response = await fetch(new URL('-/ping', url), { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`verdaccio did not answer ${url}-/ping within ${STARTUP_TIMEOUT_MS} ms`);
}

/** npm's login call: basic auth plus the user document; answers with a token. */
async function login(url: string, name: string, password: string): Promise<string> {
  const response = await fetch(new URL(`-/user/org.couchdb.user:${name}`, url), {
    method: 'PUT',
    headers: {
      authorization: `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ name, password }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const body = (await response.json()) as { token?: string };
  if (!response.ok || !body.token) throw new Error(`login as ${name} failed: HTTP ${response.status}`);
  return body.token;
}

interface PackResult {
  filename: string;
  integrity: string;
  shasum: string;
}

/**
 * Packs every fixture with one `npm pack` and publishes each version with the registry's publish
 * call (a packument with the tarball attached), in the given order.
 */
async function publishFixtures(url: string, token: string, packages: FixturePackage[], root: string): Promise<void> {
  if (packages.length === 0) return;
  const work = path.join(root, 'fixtures');
  const folders = await Promise.all(packages.map((pkg, index) => writePackageFolder(path.join(work, `src-${index}`), pkg)));
  const tarballs = path.join(work, 'tarballs');
  await mkdir(tarballs);
  const packed = await runNpm(['pack', '--json', '--ignore-scripts', '--pack-destination', tarballs, ...folders], {
    cwd: work,
    env: isolatedNpmEnv(path.join(work, 'home')),
  });
  if (packed.exitCode !== 0) throw new Error(`npm pack of the fixtures failed: ${packed.stderr.trim()}`);
  const results = JSON.parse(packed.stdout) as PackResult[];
  for (const [index, pkg] of packages.entries()) {
    const result = results[index]!;
    const tarball = await readFile(path.join(tarballs, result.filename));
    await publish(url, token, pkg, result, tarball);
  }
}

async function publish(url: string, token: string, pkg: FixturePackage, packed: PackResult, tarball: Buffer): Promise<void> {
  const attachment = `${pkg.name}-${pkg.version}.tgz`;
  const packument = {
    _id: pkg.name,
    name: pkg.name,
    'dist-tags': { latest: pkg.version },
    versions: {
      [pkg.version]: {
        ...fixtureManifest(pkg),
        _id: `${pkg.name}@${pkg.version}`,
        dist: { integrity: packed.integrity, shasum: packed.shasum, tarball: new URL(`${pkg.name}/-/${attachment}`, url).href },
      },
    },
    _attachments: { [attachment]: { content_type: 'application/octet-stream', data: tarball.toString('base64'), length: tarball.length } },
  };
  const response = await fetch(new URL(pkg.name.replace('/', '%2f'), url), {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(packument),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`publishing ${pkg.name}@${pkg.version} failed: HTTP ${response.status} ${await response.text()}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child.pid);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`verdaccio (pid ${child.pid}) did not exit within ${STOP_TIMEOUT_MS} ms`)), STOP_TIMEOUT_MS);
  });
  try {
    await Promise.race([exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function logTail(logFile: string): Promise<string> {
  try {
    return (await readFile(logFile, 'utf8')).trimEnd().split('\n').slice(-LOG_TAIL_LINES).join('\n');
  } catch {
    return '';
  }
}
