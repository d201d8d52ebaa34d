import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { runCli } from '../src/cli/run.js';
import { temporaryTree } from './support/policy.js';

/** Two programs of today's layout: infra/a on @pulumi/aws 5 (a tilde range), infra/b on 6. */
async function twoPrograms(t: TestContext): Promise<string> {
  const program = (name: string, aws: string, sdk: string) => ({
    [`infra/${name}/package.json`]: `{\n  "name": "${name}",\n  "dependencies": {\n    "@pulumi/aws": "${aws}",\n    "@pulumi/pulumi": "${sdk}"\n  }\n}\n`,
    [`infra/${name}/Pulumi.yaml`]: `name: ${name}\nruntime: nodejs\n`,
    [`infra/${name}/index.ts`]: 'import * as aws from "@pulumi/aws";\nimport * as pulumi from "@pulumi/pulumi";\n',
  });
  return await temporaryTree(t, { ...program('a', '~5.2.0', '^3.0.0'), ...program('b', '^6.1.0', '^3.100.0') });
}

/** The command line in-process, in `cwd`, with today's preset. */
async function run(cwd: string, ...argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runCli([...argv, '--preset', 'current'], { cwd, out: (text) => (out += text), err: (text) => (out += text), colour: false });
  return { code, out };
}

const A = join('infra', 'a', 'package.json');
const B = join('infra', 'b', 'package.json');

describe('versions-across-programs on the command line', () => {
  it('check warns the programs of one call on different majors, on both entries', async (t) => {
    const root = await twoPrograms(t);
    const { code, out } = await run(root, 'check', 'infra/a', 'infra/b');
    assert.equal(code, 0);
    const lines = out.split('\n');
    assert.match(
      lines[0]!,
      /^infra\/a\/package\.json:4:20 {2}warning {2}versions-across-programs {2}"@pulumi\/aws": "~5\.2\.0" is on major 5, .*: infra\/b "\^6\.1\.0" \(major 6\)\./,
    );
    assert.match(
      lines[1]!,
      /^infra\/b\/package\.json:4:20 {2}warning {2}versions-across-programs {2}"@pulumi\/aws": "\^6\.1\.0" is on major 6, .*: infra\/a "~5\.2\.0" \(major 5\)\./,
    );
    assert.equal(lines.at(-2), '0 errors, 2 warnings');
    assert.match((await run(root, 'check', 'infra/a')).out, /0 errors, 0 warnings\n$/);
  });

  it('fix says what --align-versions would set and writes nothing without it', async (t) => {
    const root = await twoPrograms(t);
    const before = await readFile(join(root, A), 'utf8');
    const { code, out } = await run(root, 'fix', 'infra/a', 'infra/b');
    assert.equal(code, 0);
    assert.match(
      out,
      /^Programs on different majors: --align-versions would set\n {2}infra\/a\/package\.json: \+ dependencies "@pulumi\/aws": "~6\.1\.0"\nNothing to fix\.\n/,
    );
    assert.match(out, /Left:\n.*versions-across-programs.*\n.*versions-across-programs.*\n0 errors, 2 warnings left\.\n$/);
    assert.equal(await readFile(join(root, A), 'utf8'), before);
  });

  it('fix --align-versions --dry-run prints the diff and writes nothing', async (t) => {
    const root = await twoPrograms(t);
    const before = await readFile(join(root, A), 'utf8');
    const { out } = await run(root, 'fix', '--align-versions', '--dry-run', 'infra/a', 'infra/b');
    assert.match(
      out,
      /^--- a\/infra\/a\/package\.json\n\+\+\+ b\/infra\/a\/package\.json\n@@ .*\n.*\n.*\n.*\n- {4}"@pulumi\/aws": "~5\.2\.0",\n\+ {4}"@pulumi\/aws": "~6\.1\.0",\n/,
    );
    assert.equal(await readFile(join(root, A), 'utf8'), before);
  });

  it('fix --align-versions sets the highest range in each entry style, and then there is nothing to align', async (t) => {
    const root = await twoPrograms(t);
    const untouched = await readFile(join(root, B), 'utf8');
    const { code, out } = await run(root, 'fix', '--align-versions', 'infra/a', 'infra/b');
    assert.equal(code, 0);
    assert.equal(out, 'Aligned infra/a/package.json:\n  + dependencies "@pulumi/aws": "~6.1.0"\n0 errors, 0 warnings left.\n');
    assert.equal(
      await readFile(join(root, A), 'utf8'),
      '{\n  "name": "a",\n  "dependencies": {\n    "@pulumi/aws": "~6.1.0",\n    "@pulumi/pulumi": "^3.0.0"\n  }\n}\n',
    );
    assert.equal(await readFile(join(root, B), 'utf8'), untouched);
    assert.equal((await run(root, 'fix', '--align-versions', 'infra/a', 'infra/b')).out, 'Nothing to fix.\n0 errors, 0 warnings left.\n');
  });
});
