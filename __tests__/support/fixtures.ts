import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { machinePath, runProcess } from './process.js';
import type { ProcessResult } from './process.js';

export interface FixturePackage {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  /** package.json scripts (install scripts run by npm install). */
  scripts?: Record<string, string>;
  /** package.json bin: command names and the files (among `files`) they run. */
  bin?: Record<string, string>;
  /** Extra or replacement files by relative path; index.js defaults to exporting { name, version }. */
  files?: Record<string, string>;
  /** A real package's folder, published as it is with its own package.json (the fields above other than name and version unused). */
  folder?: string;
}

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A package this project installed (a package manager of its devDependencies), to publish as it is. */
export function installedPackage(name: string): FixturePackage {
  const folder = path.join(projectRoot, 'node_modules', name);
  const { version } = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as { version: string };
  return { name, version, folder };
}

/**
 * The registry's contents unless a test gives its own: Pulumi's 0.10 packages (plus a pre-0.10
 * version, which the policy rejects) and a public unscoped package anyone may read. There is no
 * `pulumi` package: programs link it from a local folder (createLinkablePackage).
 * Versions of one name are listed oldest first: the last one published becomes `latest`.
 */
export const defaultFixturePackages: FixturePackage[] = [
  { name: '@pulumi/aws', version: '0.9.0' },
  { name: '@pulumi/aws', version: '0.10.0' },
  { name: '@pulumi/aws', version: '0.10.1' },
  // The real 0.10 packages declared `pulumi` as a peer: npm 7+ would try to install it.
  { name: '@pulumi/cloud', version: '0.10.0', peerDependencies: { pulumi: '*' } },
  { name: '@pulumi/cloud-aws', version: '0.10.0', dependencies: { '@pulumi/cloud': '^0.10.0' } },
  { name: 'fixture-utils', version: '1.0.0' },
  { name: 'fixture-utils', version: '1.1.0' },
  // A package with an install script, as native addons have: it records whether it saw the token.
  {
    name: 'fixture-native',
    version: '1.0.0',
    scripts: { install: 'node record.js' },
    files: { 'record.js': recordScript('install-ran.json') },
  },
];

/** A script that writes, into `file` in its working folder, whether the Pulumi token was in its environment. */
export function recordScript(file: string): string {
  return `require('fs').writeFileSync(${JSON.stringify(file)}, JSON.stringify({ tokenVisible: Boolean(process.env.PULUMI_ACCESS_TOKEN) }));\n`;
}

/** The package.json a fixture package is published with. */
export function fixtureManifest(pkg: FixturePackage): Record<string, unknown> {
  if (pkg.folder) return JSON.parse(readFileSync(path.join(pkg.folder, 'package.json'), 'utf8')) as Record<string, unknown>;
  return {
    name: pkg.name,
    version: pkg.version,
    description: `test fixture ${pkg.name}`,
    main: 'index.js',
    license: 'MIT',
    ...(pkg.dependencies ? { dependencies: pkg.dependencies } : {}),
    ...(pkg.peerDependencies ? { peerDependencies: pkg.peerDependencies } : {}),
    ...(pkg.scripts ? { scripts: pkg.scripts } : {}),
    ...(pkg.bin ? { bin: pkg.bin } : {}),
  };
}

/** Writes a package folder (package.json, index.js and pkg.files) and returns its absolute path; a real package's is its own. */
export async function writePackageFolder(dir: string, pkg: FixturePackage): Promise<string> {
  if (pkg.folder) return pkg.folder;
  const folder = path.resolve(dir);
  const files: Record<string, string> = {
    'package.json': `${JSON.stringify(fixtureManifest(pkg), null, 2)}\n`,
    'index.js': `module.exports = ${JSON.stringify({ name: pkg.name, version: pkg.version })};\n`,
    ...pkg.files,
  };
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(folder, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  return folder;
}

/**
 * A local package folder for `npm link` (the 0.10 workflow for `pulumi`); its index.js exports
 * { linked: true, name, version } so a test can require() it through node_modules and check.
 */
export function createLinkablePackage(dir: string, name = 'pulumi', version = '0.10.0'): Promise<string> {
  const index = `module.exports = ${JSON.stringify({ linked: true, name, version })};\n`;
  return writePackageFolder(dir, { name, version, files: { 'index.js': index } });
}

/** Writes a program's package.json (name and version default to program@1.0.0) into dir, creating it. */
export async function writeProgram(dir: string, manifest: Record<string, unknown>): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'package.json');
  await writeFile(file, `${JSON.stringify({ name: 'program', version: '1.0.0', ...manifest }, null, 2)}\n`);
  return file;
}

/** The .npmrc lines that point `scope` at a registry with a token, as `npm login --scope` writes them. */
export function scopedNpmrc(scope: string, registryUrl: string, token: string): string {
  const authKey = registryUrl.replace(/^https?:/, '');
  return `${scope}:registry=${registryUrl}\n${authKey}:_authToken=${token}\n`;
}

/**
 * An environment for running npm outside the action that reads none of the machine's npm config:
 * HOME, userconfig, cache and temp folder all live under `home`.
 */
export function isolatedNpmEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: machinePath(),
    HOME: home,
    NPM_CONFIG_USERCONFIG: path.join(home, '.npmrc'),
    NPM_CONFIG_CACHE: path.join(home, '.npm-cache'),
    // npm on Node.js 22 and later keeps a compile cache in the system temp folder: this one goes with HOME.
    TMPDIR: path.join(home, '.tmp'),
    NPM_CONFIG_UPDATE_NOTIFIER: 'false',
    NPM_CONFIG_FUND: 'false',
    NPM_CONFIG_AUDIT: 'false',
    ...extra,
  };
}

/** Runs the machine's npm (bounded); a non-zero exit is returned, not thrown. */
export function runNpm(args: string[], options: { cwd: string; env: Record<string, string>; timeoutMs?: number }): Promise<ProcessResult> {
  return runProcess('npm', args, { cwd: options.cwd, env: options.env, timeoutMs: options.timeoutMs ?? 120_000 });
}
