import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createLinkablePackage, type TestRegistry } from './registry.js';
import { runAction, runPlaces, type ActionRun, type RunActionOptions, type StepResult, type WorkflowCommand } from './runner.js';
import { assertNoSecret } from './secret-scan.js';

/** A program as the docs lay it out: @pulumi packages in dependencies, pulumi as a peer. */
export const docsProgram = {
  name: 'infra',
  version: '1.0.0',
  main: 'index.js',
  dependencies: { '@pulumi/aws': '^0.10.0', '@pulumi/cloud': '^0.10.0', 'fixture-utils': '^1.0.0' },
  peerDependencies: { pulumi: 'latest' },
};

/** A source that loads every @pulumi package the manifest lists, and pulumi: what the policy expects of a program. */
export function programSource(manifest: unknown): string {
  const listed = typeof manifest === 'object' && manifest !== null ? (manifest as Record<string, Record<string, string> | undefined>) : {};
  const scoped =
    typeof manifest === 'string'
      ? [...manifest.matchAll(/"(@pulumi\/[\w-]+)"/g)].map((match) => match[1]!)
      : Object.keys({ ...listed['dependencies'], ...listed['devDependencies'] }).filter((name) => name.startsWith('@pulumi/'));
  const names = [...new Set([...scoped, 'pulumi'])];
  return `module.exports = {\n${names.map((name) => `  ${JSON.stringify(name)}: require(${JSON.stringify(name)}),`).join('\n')}\n};\n`;
}

/** A fresh temp area for one test: a workspace (the checkout), an npm cache, a global prefix, a linkable pulumi. */
export interface Sandbox {
  root: string;
  workspace: string;
  npmCache: string;
  npmPrefix: string;
  pulumiPackage: string;
  cleanup(): Promise<void>;
}

export async function makeSandbox(programs: Record<string, unknown> = { '.': docsProgram }): Promise<Sandbox> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'e2e-'));
  const workspace = path.join(root, 'repo');
  for (const [dir, manifest] of Object.entries(programs)) {
    await writeProgramWithSource(path.join(workspace, dir), manifest);
  }
  const sandbox = {
    root,
    workspace,
    npmCache: path.join(root, 'npm-cache'),
    npmPrefix: path.join(root, 'npm-prefix'),
    pulumiPackage: await createLinkablePackage(path.join(root, 'pulumi-sdk')),
    cleanup: () => fs.rm(root, { recursive: true, force: true }),
  };
  await fs.mkdir(sandbox.npmPrefix, { recursive: true });
  return sandbox;
}

/** A program folder: package.json as given (text, to control lines and columns, or an object) and its source. */
async function writeProgramWithSource(dir: string, manifest: unknown): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const text = typeof manifest === 'string' ? manifest : `${JSON.stringify(manifest, null, 2)}\n`;
  await fs.writeFile(path.join(dir, 'package.json'), text);
  await fs.writeFile(path.join(dir, 'index.js'), programSource(manifest));
}

/** Runs a test in its own sandbox, removed afterwards whatever the test did. */
export async function withSandbox(programs: Record<string, unknown> | undefined, test: (sandbox: Sandbox) => Promise<void>): Promise<void> {
  const sandbox = await makeSandbox(programs);
  try {
    await test(sandbox);
  } finally {
    await sandbox.cleanup();
  }
}

export interface SetupRunOptions {
  inputs?: Record<string, string>;
  env?: Record<string, string | undefined>;
  home?: string;
  token?: string;
  killMainAfter?: string;
  withoutFileCommands?: boolean;
}

/**
 * Runs the action as a workflow would against the test registry: the registry is also npm's default registry
 * (it has no `pulumi`), each run gets a fresh npm cache (a warm one hides a bad token) and global prefix. Every run
 * is then scanned for the token it was given: the files it wrote, the checkout, HOME, the npm cache, its log and
 * outputs.
 */
export async function runSetup(registry: TestRegistry, sandbox: Sandbox, options: SetupRunOptions = {}): Promise<ActionRun> {
  const token = options.token ?? registry.tokens.ci;
  const run: RunActionOptions = {
    workspace: sandbox.workspace,
    tempParent: sandbox.root,
    inputs: {
      'pulumi-access-token': token,
      'registry-url': registry.url,
      'link-path': sandbox.pulumiPackage,
      cache: 'false',
      ...options.inputs,
    },
    env: {
      NPM_CONFIG_REGISTRY: registry.url,
      NPM_CONFIG_CACHE: sandbox.npmCache,
      NPM_CONFIG_PREFIX: sandbox.npmPrefix,
      NPM_CONFIG_UPDATE_NOTIFIER: 'false',
      NPM_CONFIG_AUDIT: 'false',
      NPM_CONFIG_FUND: 'false',
      ...options.env,
    },
  };
  if (options.home) run.home = options.home;
  if (options.killMainAfter) run.killMainAfter = options.killMainAfter;
  if (options.withoutFileCommands) run.withoutFileCommands = true;
  const result = await runAction(run);
  if (token) {
    try {
      await assertRunKeptSecret(result, sandbox, token);
    } catch (error) {
      await result.cleanup();
      throw error;
    }
  }
  return result;
}

/** Every place a run could leak the token: files it wrote, the workspace, HOME, the npm cache, the log, outputs. */
async function assertRunKeptSecret(run: ActionRun, sandbox: Sandbox, token: string): Promise<void> {
  // The runner consumes `::add-mask::<secret>` and never shows it: the one line allowed to hold the token, and the
  // harness's log leaves it out, as the runner does.
  assert.ok(run.main.stdout.split('\n').includes(`::add-mask::${token}`), 'the token was masked');
  await assertNoSecret(token, runPlaces(run, [sandbox.root]));
}

export const errorsOf = (step: StepResult): WorkflowCommand[] => step.commands.filter((command) => command.command === 'error');
export const warningsOf = (step: StepResult): WorkflowCommand[] => step.commands.filter((command) => command.command === 'warning');

/** The one-line reason setFailed printed (the last error without a file). */
export function failureOf(step: StepResult): string | undefined {
  return errorsOf(step)
    .filter((command) => !command.properties['file'])
    .at(-1)?.message;
}

/** A pull-request check: the policy alone, no token, no registry. */
export function runPolicyCheck(sandbox: Sandbox, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({ workspace: sandbox.workspace, tempParent: sandbox.root, inputs: { install: 'false', ...inputs } });
}

/** Where a text first occurs in a file, as the 1-based line and column an annotation carries. */
export async function positionOf(file: string, text: string): Promise<{ line: string; col: string }> {
  const lines = (await fs.readFile(file, 'utf8')).split('\n');
  const index = lines.findIndex((line) => line.includes(text));
  assert.ok(index >= 0, `${text} is in ${file}`);
  return { line: String(index + 1), col: String(lines[index]!.indexOf(text) + 1) };
}
