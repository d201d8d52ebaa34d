import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A Pulumi program of Node.js that passes the policy under `current`: @pulumi/pulumi, imported. */
export const todayManifest = (name: string): Record<string, unknown> => ({ name, version: '1.0.0', dependencies: { '@pulumi/pulumi': '^3.0.0' } });

/** Writes a Pulumi.yaml (runtime as YAML text) and, unless `manifest` is null, a package.json and an index.ts. */
export function writeProject(dir: string, runtime = 'nodejs', manifest: Record<string, unknown> | null = todayManifest(path.basename(dir))): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'Pulumi.yaml'), `name: ${path.basename(dir) || 'root'}\nruntime: ${runtime}\n`);
  if (manifest === null) return;
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'index.ts'), 'import * as pulumi from "@pulumi/pulumi";\nexport const stack = pulumi.getStack();\n');
}

/**
 * A repository of programs at several depths, and the folders `auto` must find: one ignored by .gitignore, one
 * ignored but tracked (found), a Python program, one inside node_modules, a Pulumi.yaml below its package.json, a bun
 * program written as a map, and a Pulumi.yaml with no package.json anywhere above it.
 */
export function writeMonorepo(workspace: string): string[] {
  writeProject(path.join(workspace, 'infra/network'));
  writeProject(path.join(workspace, 'infra/services'));
  writeProject(path.join(workspace, 'stacks/prod/eu/web'));
  writeProject(path.join(workspace, 'stacks/bun'), '{ name: bun, options: {} }');
  writeProject(path.join(workspace, 'python'), 'python', null);
  writeProject(path.join(workspace, 'node_modules/some-package'));
  writeProject(path.join(workspace, 'build/copy'));
  writeProject(path.join(workspace, 'tools/vendored'));
  writeProject(path.join(workspace, 'docs/no-package'), 'nodejs', null);
  fs.mkdirSync(path.join(workspace, 'app/pulumi'), { recursive: true });
  fs.writeFileSync(path.join(workspace, 'app/package.json'), `${JSON.stringify(todayManifest('app'), null, 2)}\n`);
  fs.writeFileSync(path.join(workspace, 'app/pulumi/Pulumi.yaml'), 'name: app\nruntime:\n  name: nodejs\n');
  fs.writeFileSync(path.join(workspace, '.gitignore'), 'build/\ntools/\n');
  git(workspace, 'init', '-q');
  git(workspace, 'add', '.');
  // Tracked, though .gitignore matches it: git never ignores a tracked file.
  git(workspace, 'add', '-f', 'tools/vendored');
  git(workspace, 'commit', '-q', '-m', 'programs');
  return ['app/pulumi', 'infra/network', 'infra/services', 'stacks/bun', 'stacks/prod/eu/web', 'tools/vendored'];
}

/** Runs git in `cwd` with a fixed identity and no user or system config; returns its output, trimmed. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', HOME: cwd },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}
