import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

// The README's ```yaml blocks read as workflows: checked by actionlint (readme-workflows.test.ts) and run as a user
// would copy them (e2e-readme-first-example.test.ts).

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A ```yaml block of the README, with the line it starts on and the heading it sits under. */
export interface YamlBlock {
  line: number;
  heading: string;
  text: string;
}

export type Step = Record<string, unknown>;

export function readReadme(): Promise<string> {
  return readFile(path.join(projectRoot, 'README.md'), 'utf8');
}

export function yamlBlocks(markdown: string): YamlBlock[] {
  const blocks: YamlBlock[] = [];
  const lines = markdown.split('\n');
  let heading = '';
  for (let index = 0; index < lines.length; index++) {
    if (/^#{1,6} /.test(lines[index]!)) heading = lines[index]!.replace(/^#+ /, '');
    if (lines[index]!.trim() !== '```yaml') continue;
    const end = lines.findIndex((line, at) => at > index && line.trim() === '```');
    blocks.push({ line: index + 2, heading, text: lines.slice(index + 1, end).join('\n') });
    index = end;
  }
  return blocks;
}

/** The workflow a block is, or is a piece of (a list of steps, a `steps:` mapping); undefined for other YAML (a policy file). */
export function asWorkflow(block: Pick<YamlBlock, 'text'>): Record<string, unknown> | undefined {
  const value: unknown = YAML.parse(dedent(block.text));
  const steps = Array.isArray(value) ? value : isMapping(value) && Array.isArray(value['steps']) ? value['steps'] : undefined;
  if (isMapping(value) && isMapping(value['jobs'])) return { on: 'push', ...value };
  if (steps) return { on: 'push', jobs: { example: { 'runs-on': 'ubuntu-latest', steps } } };
  return undefined;
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Removes the indentation every line shares: the README shows steps as they sit inside a job. */
function dedent(text: string): string {
  const lines = text.split('\n');
  const indents = lines.filter((line) => line.trim() && !line.trim().startsWith('#')).map((line) => line.length - line.trimStart().length);
  const common = Math.min(...indents);
  return lines.map((line) => line.slice(Math.min(common, line.length - line.trimStart().length))).join('\n');
}

/** Every job's steps, in order. */
export function jobSteps(workflow: Record<string, unknown>): Step[][] {
  const jobs = Object.values(workflow['jobs'] as Record<string, { steps?: unknown[] }>);
  return jobs.map((job) => (job.steps ?? []).filter(isMapping));
}

/** A step that uses this action, by its published name or `./`. */
export function usesThisAction(step: Step): boolean {
  return typeof step['uses'] === 'string' && /(^\.\/?$|\/setup-pulumi-npm@)/.test(step['uses']);
}

/** Each step of the workflow that uses this action. */
export function actionSteps(workflow: Record<string, unknown>): Step[] {
  return jobSteps(workflow).flatMap((steps) => steps.filter(usesThisAction));
}
