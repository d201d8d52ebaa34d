import assert from 'node:assert/strict';
import { cp, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { ACTION_DEFAULTS } from '../src/cli/args.js';
import { runCli } from '../src/cli/run.js';
import { captureOutput } from './support/output.js';
import { node24 } from './support/node24.js';
import { POLICY_FIXTURES, temporaryTree } from './support/policy.js';
import { machinePath, runProcess } from './support/process.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli', 'index.js');

/** Runs the command line in-process in `cwd`; returns its exit code and what it printed. */
async function cli(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { cwd, out: (text) => (out += text), err: (text) => (err += text), colour: false });
  return { code, out, err };
}

/** A copy of a policy fixture (and others) under a temporary folder, to be fixed in place. */
async function copies(t: TestContext, ...names: string[]): Promise<string> {
  const root = await temporaryTree(t, {});
  for (const name of names) await cp(join(POLICY_FIXTURES, name), join(root, name), { recursive: true });
  return root;
}

describe('setup-pulumi-npm check', () => {
  it('prints one line per finding with paths relative to the current folder, then a count, and exits 1 on errors', async () => {
    const run = await cli(POLICY_FIXTURES, 'check', 'pre-0.10', 'migrated');
    assert.equal(run.code, 1);
    assert.equal(run.err, '');
    const lines = run.out.trimEnd().split('\n');
    assert.match(lines[0]!, /^pre-0\.10\/package\.json:13:9 {2}error {2}scoped-in-dependencies {2}"@pulumi\/aws" is listed in peerDependencies; move it/);
    assert.match(lines[1]!, /^pre-0\.10\/package\.json:14:9 {2}error {2}scoped-in-dependencies /);
    assert.match(lines[2]!, /^pre-0\.10\/package\.json:15:19 {2}warning {2}linked-peer {2}"pulumi" is listed in peerDependencies as "\*"/);
    assert.deepEqual(lines.slice(3), [
      "pre-0.10 installs with npm (Pulumi's default: no declaration, no lockfile).",
      'migrated installs with npm (the lockfile migrated/package-lock.json).',
      '2 errors, 1 warning',
    ]);
  });

  it('checks a Pulumi.yaml folder below its package.json as the program of that package, as Pulumi runs it', async (t) => {
    const root = await temporaryTree(t, {
      'infra/package.json': JSON.stringify({ name: 'infra', private: true, dependencies: { '@pulumi/pulumi': '^3.0.0', '@pulumi/random': '^4.0.0' } }),
      'infra/pulumi/Pulumi.yaml': 'name: infra\nruntime: nodejs\n',
      'infra/pulumi/index.js': "module.exports = require('@pulumi/random');\n",
    });
    for (const argument of ['infra/pulumi', 'auto']) {
      // The source in pulumi/ counts: @pulumi/random is used, so nothing is unused or undeclared.
      assert.deepEqual(await cli(root, 'check', argument), {
        code: 0,
        out: "infra installs with npm (Pulumi's default: no declaration, no lockfile).\n0 errors, 0 warnings\n",
        err: '',
      });
    }
  });

  it('exits 0 for a program that follows the documents, and colours only when asked to (a terminal)', async () => {
    const plain = await cli(join(POLICY_FIXTURES, 'migrated'), 'check');
    assert.deepEqual(plain, { code: 0, out: 'the current folder (.) installs with npm (the lockfile package-lock.json).\n0 errors, 0 warnings\n', err: '' });
    let out = '';
    await runCli(['check', 'pre-0.10'], { cwd: POLICY_FIXTURES, out: (text) => (out += text), err: () => {}, colour: true });
    assert.ok(out.includes('\u001b[31merror\u001b[0m'), out);
    assert.ok(!(await cli(POLICY_FIXTURES, 'check', 'pre-0.10')).out.includes('\u001b'));
  });

  it('prints the action report as JSON and a SARIF log', async () => {
    const json = JSON.parse((await cli(POLICY_FIXTURES, 'check', '--format', 'json', 'pre-0.10')).out) as {
      programs: { dir: string; packages: { name: string }[] }[];
      violations: number;
      findings: { file: string; rule: string }[];
    };
    assert.equal(json.violations, 2);
    assert.equal(json.programs[0]!.dir, 'pre-0.10');
    assert.deepEqual(
      json.programs[0]!.packages.map((row) => row.name),
      ['@pulumi/aws', '@pulumi/cloud', 'pulumi'],
    );
    assert.equal(json.findings[0]!.file, 'pre-0.10/package.json');
    const sarif = JSON.parse((await cli(POLICY_FIXTURES, 'check', '--format=sarif', 'pre-0.10')).out) as { version: string; runs: { results: unknown[] }[] };
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.runs[0]!.results.length, 3);
  });

  it('prints workflow commands for other CI systems', async (t) => {
    const output = captureOutput(t);
    const run = await cli(POLICY_FIXTURES, 'check', '--format', 'github', 'pre-0.10');
    assert.equal(run.code, 1);
    assert.match(
      output.stdout(),
      /^::error title=scoped-in-dependencies,file=pre-0\.10\/package\.json,line=13,endLine=13,col=9,endColumn=27::"@pulumi\/aws" is listed/m,
    );
  });

  it('takes --preset, --link and --policy-file over the defaults', async (t) => {
    const root = await temporaryTree(t, {
      'app/package.json': '{\n  "dependencies": { "@pulumi/pulumi": "^3.0.0", "@pulumi/aws": "^6.0.0" }\n}\n',
      'app/index.ts': 'import * as pulumi from "@pulumi/pulumi";\nimport * as aws from "@pulumi/aws";\n',
      'strict.yml': 'rules:\n  strict-dependencies: "off"\n',
      '.github/pulumi-npm-policy.yml': 'preset: current\n',
    });
    // The default policy file names the current preset: today's program passes.
    assert.equal((await cli(root, 'check', 'app')).code, 0);
    const old = await cli(root, 'check', '--preset', 'pulumi-0.10', 'app');
    assert.equal(old.code, 1);
    assert.match(old.out, /linked-peer {2}"pulumi" is missing from "peerDependencies"/);
    assert.doesNotMatch((await cli(root, 'check', '--preset', 'pulumi-0.10', '--link', 'none', 'app')).out, /linked-peer/);
    // As the action's input takes them: separated by spaces or newlines (or commas).
    for (const links of ['pulumi @pulumi/aws', 'pulumi\n@pulumi/aws', 'pulumi,@pulumi/aws']) {
      assert.match(
        (await cli(root, 'check', '--preset', 'pulumi-0.10', '--link', links, 'app')).out,
        /"@pulumi\/aws" is listed in dependencies, so npm would install it from the registry instead of the link/,
        links,
      );
    }
    const noPolicy = await cli(root, 'check', '--policy-file', 'strict.yml', '--link', 'none', 'app');
    assert.doesNotMatch(noPolicy.out, /strict-dependencies/);
  });

  it('exits 2 with one line for bad usage or unreadable input', async (t) => {
    const root = await temporaryTree(t, { 'broken/package.json': '{ "dependencies": ' });
    const cases: [string[], RegExp][] = [
      [['lint'], /^setup-pulumi-npm: unknown command "lint": use check or fix/],
      [['check', '--format', 'xml'], /^setup-pulumi-npm: --format is "xml": use one of text, json, sarif, github\.$/],
      [['check', '--preset', '0.9'], /^setup-pulumi-npm: --preset is "0\.9": use one of pulumi-0\.10, current, auto\.$/],
      [['check', '--link', 'Not A Name'], /^setup-pulumi-npm: --link lists "Not", which is not a package name/],
      [['check', '--dry-run'], /^setup-pulumi-npm: Unknown option '--dry-run'.* \(see setup-pulumi-npm check --help\)\.$/],
      [['check', 'missing'], /^setup-pulumi-npm: "missing" has no package\.json: give the folder of a Pulumi program\.$/],
      [['fix', '--policy-file', 'nope.yml'], /^setup-pulumi-npm: the policy file .*nope\.yml does not exist: check --policy-file\.$/],
      [['check', '--policy-file', 'broken', 'broken'], /^setup-pulumi-npm: Cannot read .*broken: EISDIR: illegal operation on a directory, read$/],
    ];
    for (const [argv, message] of cases) {
      const run = await cli(root, ...argv);
      assert.equal(run.code, 2, argv.join(' '));
      assert.equal(run.out, '');
      assert.match(run.err.trimEnd(), message);
      assert.equal(run.err.trimEnd().split('\n').length, 1);
    }
    // A package.json that is not JSON is a finding of the check, not unreadable input.
    const broken = await cli(root, 'check', 'broken');
    assert.equal(broken.code, 1);
    assert.match(broken.out, /^broken\/package\.json:1:\d+ {2}error {2}package-json {2}package\.json is not valid JSON/);
  });

  it("runs with action.yml's defaults for the scope and the policy file", async () => {
    const declared = (YAML.parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> }).inputs;
    for (const [name, value] of Object.entries(ACTION_DEFAULTS)) assert.equal(value, declared[name]?.default, name);
  });

  it('prints help for each command', async () => {
    assert.match((await cli(ROOT, '--help')).out, /^Usage: setup-pulumi-npm check\|fix/);
    const check = await cli(ROOT, 'check', '--help');
    assert.equal(check.code, 0);
    assert.match(check.out, /--format text\|json\|sarif\|github/);
    assert.match(check.out, /Exit codes: 0 no errors/);
    assert.match(check.out, /--link NAMES\|none +packages installed with npm link, separated by spaces, commas or newlines/);
    assert.match(check.out, /default: the preset's: pulumi under pulumi-0\.10, none under current/);
    assert.match((await cli(ROOT, 'fix', '-h')).out, /--dry-run {2,}print the unified diff/);
  });
});

describe('setup-pulumi-npm fix', () => {
  it('edits package.json so that the check passes, says what it changed, and changes nothing the second time', async (t) => {
    const root = await copies(t, 'pre-0.10', 'scoped-in-dev');
    const before = await readFile(join(root, 'pre-0.10', 'package.json'), 'utf8');
    const run = await cli(root, 'fix', '--preset', 'pulumi-0.10', 'pre-0.10', 'scoped-in-dev');
    assert.equal(run.code, 0, run.out);
    assert.match(run.out, /^Fixed pre-0\.10\/package\.json:\n {2}- peerDependencies "@pulumi\/aws"\n/);
    assert.match(run.out, /\+ dependencies "@pulumi\/aws": "\^0\.10\.0"/);
    assert.match(run.out, /0 errors, 0 warnings left\.\n$/);
    const after = await readFile(join(root, 'pre-0.10', 'package.json'), 'utf8');
    assert.notEqual(after, before);
    assert.match(after, /"dependencies": \{\n {8}"@pulumi\/aws": "\^0\.10\.0",\n {8}"@pulumi\/cloud": "\^0\.10\.0"\n {4}\}\n\}\n$/);
    assert.equal((await cli(root, 'check', 'pre-0.10', 'scoped-in-dev')).code, 0);
    const again = await cli(root, 'fix', '--preset', 'pulumi-0.10', 'pre-0.10', 'scoped-in-dev');
    assert.equal(again.out, 'Nothing to fix.\n0 errors, 0 warnings left.\n');
    assert.equal(await readFile(join(root, 'pre-0.10', 'package.json'), 'utf8'), after);
  });

  it('prints a unified diff with --dry-run and writes nothing', async (t) => {
    const root = await copies(t, 'pre-0.10');
    const file = join(root, 'pre-0.10', 'package.json');
    const before = await stat(file);
    const run = await cli(root, 'fix', '--dry-run', '--preset', 'pulumi-0.10', 'pre-0.10');
    assert.equal(run.code, 0);
    assert.match(run.out, /^--- a\/pre-0\.10\/package\.json\n\+\+\+ b\/pre-0\.10\/package\.json\n@@ /);
    assert.match(run.out, /\n- {8}"@pulumi\/aws": "\*",\n/);
    assert.equal((await stat(file)).mtimeMs, before.mtimeMs);
  });

  it("changes nothing in a program of today's layout with no preset given, which the check passes", async (t) => {
    const root = await temporaryTree(t, {});
    await cp(join(ROOT, 'examples', 'today-program'), join(root, 'today-program'), { recursive: true });
    const before = await readFile(join(root, 'today-program', 'package.json'), 'utf8');
    const run = await cli(root, 'fix', 'today-program');
    assert.deepEqual([run.code, run.out], [0, 'Nothing to fix.\n0 errors, 0 warnings left.\n']);
    assert.equal(await readFile(join(root, 'today-program', 'package.json'), 'utf8'), before);
    assert.equal((await cli(root, 'check', 'today-program')).code, 0);
  });

  it('prints the edits only the preset auto chose would make, and writes none of them', async (t) => {
    const root = await copies(t, 'pre-0.10');
    const file = join(root, 'pre-0.10', 'package.json');
    const before = await readFile(file, 'utf8');
    const run = await cli(root, 'fix', 'pre-0.10');
    assert.equal(run.code, 1);
    assert.match(
      run.out,
      /^Suggested for pre-0\.10\/package\.json, not written \(preset auto chose pulumi-0\.10 from "pulumi" in peerDependencies, and only that preset asks for it: run fix with --preset pulumi-0\.10, or set the preset in the policy file, to write it\):\n {2}\+ dependencies "@pulumi\/aws": "\^0\.10\.0"\n {2}- peerDependencies "@pulumi\/aws"\n/,
    );
    assert.doesNotMatch(run.out, /^Fixed /m);
    assert.equal(await readFile(file, 'utf8'), before);
  });

  it("removes unused template packages in one fix and names the program's package manager's command", async (t) => {
    const manifest = {
      name: 'leftovers',
      packageManager: 'pnpm@9.15.0',
      dependencies: { '@pulumi/pulumi': '^3.0.0', '@pulumi/aws': '^6.0.0', '@pulumi/awsx': '^2.0.0', '@pulumi/random': '^4.0.0' },
    };
    const root = await temporaryTree(t, {
      'leftovers/package.json': `${JSON.stringify(manifest, null, 2)}\n`,
      'leftovers/Pulumi.yaml': 'name: leftovers\nruntime: nodejs\n',
      'leftovers/index.ts': 'import * as pulumi from "@pulumi/pulumi";\nimport * as random from "@pulumi/random";\n',
    });
    const run = await cli(root, 'fix', 'leftovers');
    assert.equal(run.code, 0, run.out);
    assert.equal(
      run.out,
      'Fixed leftovers/package.json:\n  - dependencies "@pulumi/aws"\n  - dependencies "@pulumi/awsx"\n' +
        'Now run "pnpm install" in leftovers to install what package.json lists now.\n0 errors, 0 warnings left.\n',
    );
    assert.equal((await cli(root, 'check', 'leftovers')).code, 0);
  });

  it('exits 1 when errors are left that it cannot repair', async (t) => {
    const root = await copies(t, 'lockfile-v2');
    const run = await cli(root, 'fix', 'lockfile-v2');
    assert.equal(run.code, 1);
    assert.match(run.out, /Left:\nlockfile-v2\/package-lock\.json:\d+:\d+ {2}error {2}lockfile-registry /);
  });
});

describe('the bundled command line (dist/cli/index.js)', () => {
  it('runs on Node 24 as the package bin, with the exit code of the check', async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    assert.deepEqual(manifest.bin, { 'setup-pulumi-npm': 'dist/cli/index.js' });
    assert.match(await readFile(CLI, 'utf8'), /^#!\/usr\/bin\/env node\n/);
    const env = { PATH: machinePath(), HOME: process.env.HOME ?? '/tmp', TMPDIR: process.env.TMPDIR ?? '/tmp' };
    const failing = await runProcess(node24(), [CLI, 'check', 'pre-0.10'], { cwd: POLICY_FIXTURES, env, timeoutMs: 30_000 });
    assert.equal(failing.exitCode, 1, failing.stderr);
    assert.match(failing.stdout, /^pre-0\.10\/package\.json:13:9 {2}error/);
    const passing = await runProcess(node24(), [CLI, 'check', join('..', '..', '..', 'examples', 'aws-program')], {
      cwd: POLICY_FIXTURES,
      env,
      timeoutMs: 30_000,
    });
    assert.deepEqual([passing.exitCode, passing.stderr], [0, '']);
    assert.equal(passing.stdout, "../../../examples/aws-program installs with npm (Pulumi's default: no declaration, no lockfile).\n0 errors, 0 warnings\n");
    const usage = await runProcess(node24(), [CLI, 'check', '--format'], { cwd: POLICY_FIXTURES, env, timeoutMs: 30_000 });
    assert.equal(usage.exitCode, 2);
    assert.match(usage.stderr, /^setup-pulumi-npm: Option '--format <value>' argument missing/);
  });
});
