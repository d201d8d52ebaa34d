/**
 * The inputs the README and the workflows give this action are the ones action.yml declares, with its defaults; the
 * README's outputs are action.yml's (which repository.test.ts checks against the code's table).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { inputsTableProblems, readActionInputs, tableUnder, unknownWithKeys, yamlBlocks } from './support/action-inputs.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');
const inputs = readActionInputs(read('action.yml'));
const readme = read('README.md');
const workflows = readdirSync(path.join(root, '.github/workflows'))
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => `.github/workflows/${name}`);

describe('the inputs in the README and the workflows', () => {
  test("every with: key of a step using this action, in the README's yaml blocks and in the workflows, is an input", () => {
    const blocks = yamlBlocks(readme);
    assert.ok(blocks.filter((block) => /setup-pulumi-npm@/.test(block.text)).length >= 4, 'the README has its examples');
    assert.ok(workflows.length >= 3, workflows.join(', '));
    const problems = [
      ...blocks.flatMap((block) => unknownWithKeys(block.text, inputs, `README.md:${block.line}`)),
      ...workflows.flatMap((file) => unknownWithKeys(read(file), inputs, file)),
    ];
    assert.deepEqual(problems, []);
  });

  test('the check finds a misspelt input, in a step of this action only', () => {
    const workflow = [
      'steps:',
      '  - uses: actions/setup-node@v7',
      '    with: { node-version: 24 }',
      '  - uses: octo/setup-pulumi-npm@v1',
      '    with:',
      '      working-directorys: infra',
      '      policy: warn',
      '  - uses: ./',
      '    with: { linkpath: sdk }',
    ].join('\n');
    assert.deepEqual(unknownWithKeys(workflow, inputs, 'ci.yml'), [
      'ci.yml: the step "uses: octo/setup-pulumi-npm@v1" gives "working-directorys", which is not an input of action.yml',
      'ci.yml: the step "uses: ./" gives "linkpath", which is not an input of action.yml',
    ]);
    const markdown = `# x\n\n\`\`\`yaml\n- uses: ./\n  with:\n    cache: 'true'\n\`\`\`\n\n\`\`\`yaml\n- uses: ./\n  with: { caches: 'true' }\n\`\`\`\n`;
    const found = yamlBlocks(markdown).flatMap((block) => unknownWithKeys(block.text, inputs, `README.md:${block.line}`));
    assert.deepEqual(found, ['README.md:10: the step "uses: ./" gives "caches", which is not an input of action.yml']);
  });

  test("the README's inputs table lists every input of action.yml with its default", () => {
    const table = tableUnder(readme, 'Inputs');
    assert.deepEqual([...table.keys()], [...inputs.keys()]);
    assert.deepEqual(inputsTableProblems(table, inputs), []);
  });

  test('the table check finds a wrong default, a missing input and an unknown one', () => {
    const markdown = [
      '## Inputs',
      '',
      '| input | default | meaning |',
      '|---|---|---|',
      '| `policy` | `warn` | x |',
      '| `install` | `true` | x |',
      '| `pulumi-access-token` | (empty) | x |',
      '| `caches` | `true` | x |',
      '',
      '## Outputs',
    ].join('\n');
    const problems = inputsTableProblems(tableUnder(markdown, 'Inputs'), inputs);
    assert.ok(problems.includes('input "policy": the README\'s default is `warn`, action.yml\'s is "error"'), problems.join('\n'));
    assert.ok(problems.includes('input "cache" of action.yml is not in the README\'s inputs table'));
    assert.ok(problems.includes('the README\'s inputs table lists "caches", which is not an input of action.yml'));
    assert.equal(problems.filter((problem) => /"(install|pulumi-access-token)"/.test(problem)).length, 0, problems.join('\n'));
  });
});

describe('the outputs in the README', () => {
  const declared = Object.keys((YAML.parse(read('action.yml')) as { outputs: Record<string, unknown> }).outputs);

  test("the README's outputs table lists every output of action.yml, in its order", () => {
    assert.deepEqual([...tableUnder(readme, 'Outputs').keys()], declared);
    const missing = [...tableUnder(readme.replace(/^\| `sarif` .*$/m, ''), 'Outputs').keys()];
    assert.notDeepEqual(missing, declared, 'a row left out is found');
  });
});
