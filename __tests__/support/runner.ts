import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

import { readActionInputs } from './action-inputs.js';
import { node24 } from './node24.js';
import { machinePath, runProcess } from './process.js';
import { listRegularFiles } from './secret-scan.js';
import type { ScanPlaces } from './secret-scan.js';

export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

export interface StepResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  exportedEnv: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  paths: string[];
  commands: WorkflowCommand[];
  /** stdout as the job log shows it before masking: the `::add-mask::` lines the runner consumes removed. */
  log: string;
  /** Every regular file under RUNNER_TEMP after the step (file-command files included), for scanning. */
  files: string[];
}

export interface ActionRun {
  main: StepResult;
  post?: StepResult;
  runnerTemp: string;
  /** The steps' TMPDIR, the system temp folder of the action and of every process it starts. */
  tmpDir: string;
  workspace: string;
  home: string;
  /** Removes the run's temp area (RUNNER_TEMP, TMPDIR, tool cache, and HOME unless the test gave it). */
  cleanup(): Promise<void>;
}

export interface RunActionOptions {
  /** GITHUB_WORKSPACE and the cwd of both steps. */
  workspace: string;
  /** Action inputs by their action.yml names; an undeclared name throws. */
  inputs?: Record<string, string>;
  /** Extra environment, like a step's `env:`; undefined removes a variable. */
  env?: Record<string, string | undefined>;
  /** HOME for both steps; default a fresh temp dir. */
  home?: string;
  /** Run the post entry after main (default true), as the runner does for post-if: always(). */
  runPost?: boolean;
  /** Per step; the process group is killed and runAction throws when it runs out. Default 120000. */
  timeoutMs?: number;
  /** Default: the project's action.yml. */
  actionYmlPath?: string;
  /** The folder the run's temp area is made in, e.g. the test's sandbox; default the system temp folder. */
  tempParent?: string;
  /** SIGKILL main as soon as its output holds this text (post still runs, as after a crash). */
  killMainAfter?: string;
  /**
   * A runner without file commands (act, Gitea's and Forgejo's runners of some versions, GitHub's before 2.297): no
   * GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV, GITHUB_PATH or GITHUB_STEP_SUMMARY; outputs, state, variables and paths
   * come as workflow commands on stdout, and are read from there.
   */
  withoutFileCommands?: boolean;
}

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DEFAULT_TIMEOUT_MS = 120_000;
const OUTPUT_TAIL_CHARS = 4_000;

interface ActionMetadata {
  file: string;
  main: string;
  post: string | undefined;
  postIf: string;
  inputs: Map<string, string>;
}

/** Runs the action's main and post entries with Node 24 the way the GitHub Actions runner does. */
export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const action = await readActionMetadata(options.actionYmlPath ?? path.join(projectRoot, 'action.yml'));
  const inputs = inputVariables(action, options.inputs ?? {});
  const root = await mkdtemp(path.join(options.tempParent ?? os.tmpdir(), 'action-run-'));
  const cleanup = (): Promise<void> => rm(root, { recursive: true, force: true });
  try {
    const runnerTemp = path.join(root, 'temp');
    const tmpDir = path.join(root, 'tmp');
    const toolCache = path.join(root, 'tool-cache');
    const home = options.home ?? path.join(root, 'home');
    for (const dir of [runnerTemp, tmpDir, toolCache, home]) await mkdir(dir, { recursive: true });
    // A TMPDIR of its own: what the action and npm put in the system temp folder goes when the run is removed.
    const jobEnv = { ...runnerEnv(options.workspace, runnerTemp, toolCache, home), TMPDIR: tmpDir, ...inputs };
    const step = {
      workspace: options.workspace,
      runnerTemp,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      fileCommands: options.withoutFileCommands !== true,
    };

    const main = await runStep('main', action.main, withOverrides(jobEnv, options.env), { ...step, killAfterOutput: options.killMainAfter });
    let post: StepResult | undefined;
    if (action.post !== undefined && options.runPost !== false && postRuns(action, main)) {
      const state = Object.fromEntries(Object.entries(main.state).map(([name, value]) => [`STATE_${name}`, value]));
      const postEnv = withOverrides({ ...jobEnv, ...main.exportedEnv, ...state }, options.env);
      // The runner puts later-added paths first.
      postEnv.PATH = [...[...main.paths].reverse(), postEnv.PATH].filter(Boolean).join(path.delimiter);
      post = await runStep('post', action.post, postEnv, step);
    }
    return { main, ...(post ? { post } : {}), runnerTemp, tmpDir, workspace: options.workspace, home, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/**
 * Everything a run leaves that must not hold the secret: RUNNER_TEMP, TMPDIR, the workspace, HOME (npm's
 * default cache is there), extra dirs (e.g. a separate npm cache), and every text each step produced
 * (the log, not raw stdout: registering the secret with `::add-mask::` is how it is kept out of logs).
 */
export function runPlaces(run: ActionRun, extraDirs: string[] = []): ScanPlaces {
  const texts: Record<string, string> = {};
  for (const [step, result] of [
    ['main', run.main],
    ['post', run.post],
  ] as const) {
    if (!result) continue;
    texts[`${step}.log`] = result.log;
    texts[`${step}.stderr`] = result.stderr;
    texts[`${step}.summary`] = result.summary;
    for (const [kind, values] of [
      ['outputs', result.outputs],
      ['exportedEnv', result.exportedEnv],
      ['state', result.state],
    ] as const) {
      for (const [name, value] of Object.entries(values)) texts[`${step}.${kind}.${name}`] = value;
    }
  }
  return { dirs: outermost([run.runnerTemp, run.tmpDir, run.workspace, run.home, ...extraDirs]), texts };
}

/** The folders not inside another of them, so that a scan reads each file once. */
function outermost(dirs: string[]): string[] {
  const inside = (dir: string, parent: string): boolean => {
    const relative = path.relative(parent, dir);
    return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  };
  return [...new Set(dirs)].filter((dir) => !dirs.some((parent) => inside(dir, parent)));
}

async function readActionMetadata(file: string): Promise<ActionMetadata> {
  const text = await readFile(file, 'utf8');
  const runs = (YAML.parse(text) as { runs?: { using?: string; main?: string; post?: string; 'post-if'?: string } }).runs ?? {};
  if (runs.using !== 'node24') throw new Error(`${file}: runs.using is "${runs.using}", expected node24`);
  if (!runs.main) throw new Error(`${file}: runs.main is missing`);
  const dir = path.dirname(file);
  const inputs = readActionInputs(text);
  for (const [name, value] of inputs) {
    if (value.includes('${{')) throw new Error(`${file}: input ${name} has an expression default; the harness does not evaluate expressions`);
  }
  return {
    file,
    main: path.resolve(dir, runs.main),
    post: runs.post ? path.resolve(dir, runs.post) : undefined,
    postIf: runs['post-if'] ?? 'always()',
    inputs,
  };
}

function postRuns(action: ActionMetadata, main: StepResult): boolean {
  if (action.postIf === 'always()') return true;
  if (action.postIf === 'success()') return main.exitCode === 0;
  throw new Error(`${action.file}: post-if "${action.postIf}" is not supported by the harness`);
}

/** INPUT_<NAME> for every declared input, the way the runner names them (spaces to _, hyphens kept). */
function inputVariables(action: ActionMetadata, given: Record<string, string>): Record<string, string> {
  for (const name of Object.keys(given)) {
    if (!action.inputs.has(name)) throw new Error(`input "${name}" is not declared in ${action.file}`);
  }
  const variables: Record<string, string> = {};
  for (const [name, fallback] of action.inputs) {
    variables[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = given[name] ?? fallback;
  }
  return variables;
}

function runnerEnv(workspace: string, runnerTemp: string, toolCache: string, home: string): Record<string, string> {
  return {
    PATH: machinePath(),
    HOME: home,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'harness',
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: toolCache,
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REPOSITORY: 'octo/program',
    GITHUB_REPOSITORY_OWNER: 'octo',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_RUN_ID: '1001',
    GITHUB_RUN_NUMBER: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'ci',
    GITHUB_JOB: 'build',
    GITHUB_ACTION: 'setup',
    GITHUB_ACTOR: 'octocat',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
  };
}

function withOverrides(env: Record<string, string>, overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const result = { ...env };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete result[name];
    else result[name] = value;
  }
  return result;
}

interface StepPlace {
  workspace: string;
  runnerTemp: string;
  timeoutMs: number;
  killAfterOutput?: string | undefined;
  fileCommands: boolean;
}

/** File-command files by variable, named as the runner names them. */
const fileCommands = {
  GITHUB_OUTPUT: 'set_output',
  GITHUB_ENV: 'set_env',
  GITHUB_STATE: 'save_state',
  GITHUB_STEP_SUMMARY: 'step_summary',
  GITHUB_PATH: 'add_path',
} as const;
type FileCommand = keyof typeof fileCommands;

async function runStep(name: string, script: string, env: Record<string, string>, place: StepPlace): Promise<StepResult> {
  const commandsDir = path.join(place.runnerTemp, '_runner_file_commands');
  await mkdir(commandsDir, { recursive: true });
  const commandFiles = {} as Record<FileCommand, string>;
  for (const [variable, prefix] of Object.entries(fileCommands) as [FileCommand, string][]) {
    commandFiles[variable] = path.join(commandsDir, `${prefix}_${randomUUID()}`);
    await writeFile(commandFiles[variable], '');
  }
  const result = await runProcess(node24(), [script], {
    cwd: place.workspace,
    env: place.fileCommands ? { ...env, ...commandFiles } : env,
    timeoutMs: place.timeoutMs,
    ...(place.killAfterOutput === undefined ? {} : { killAfterOutput: place.killAfterOutput }),
  });
  if (result.timedOut) {
    throw new Error(
      `${name} step (${script}) did not finish within ${place.timeoutMs} ms and was killed\n` +
        `stdout tail:\n${result.stdout.slice(-OUTPUT_TAIL_CHARS)}\nstderr tail:\n${result.stderr.slice(-OUTPUT_TAIL_CHARS)}`,
    );
  }
  const read = (variable: FileCommand): Promise<string> => readFile(commandFiles[variable], 'utf8');
  const parsed = parseStdout(result.stdout);
  if (!place.fileCommands) {
    const given = (command: string) => parsed.commands.filter((line) => line.command === command);
    const named = (command: string) => Object.fromEntries(given(command).map((line) => [line.properties['name'] ?? '', line.message]));
    const paths = given('add-path').map((line) => line.message);
    const files = await listRegularFiles(place.runnerTemp);
    const { exitCode, stdout, stderr } = result;
    return {
      exitCode,
      stdout,
      stderr,
      outputs: named('set-output'),
      exportedEnv: named('set-env'),
      state: named('save-state'),
      summary: '',
      paths,
      ...parsed,
      files,
    };
  }
  return {
    exitCode: result.exitCode,
    stdout: result.stdout,
    stderr: result.stderr,
    outputs: parseFileCommands(await read('GITHUB_OUTPUT'), 'GITHUB_OUTPUT'),
    exportedEnv: parseFileCommands(await read('GITHUB_ENV'), 'GITHUB_ENV'),
    state: parseFileCommands(await read('GITHUB_STATE'), 'GITHUB_STATE'),
    summary: await read('GITHUB_STEP_SUMMARY'),
    paths: (await read('GITHUB_PATH')).split(/\r?\n/).filter((line) => line !== ''),
    ...parsed,
    files: await listRegularFiles(place.runnerTemp),
  };
}

/**
 * Parses a GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE file like the runner: `name=value` lines and
 * `name<<DELIMITER` heredocs; a malformed file throws, as it fails the step on a runner.
 */
export function parseFileCommands(text: string, source: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line === '') continue;
    const equals = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      values[requireName(line.slice(0, equals), line, source)] = line.slice(equals + 1);
      continue;
    }
    if (heredoc < 0) throw new Error(`${source}: invalid line "${line}": expected name=value or name<<DELIMITER`);
    const name = requireName(line.slice(0, heredoc), line, source);
    const delimiter = line.slice(heredoc + 2);
    if (delimiter === '') throw new Error(`${source}: invalid line "${line}": the delimiter is empty`);
    const end = lines.indexOf(delimiter, index + 1);
    if (end < 0) throw new Error(`${source}: no line "${delimiter}" closes the value of ${name}`);
    values[name] = lines.slice(index + 1, end).join('\n');
    index = end;
  }
  return values;
}

function requireName(name: string, line: string, source: string): string {
  if (name === '') throw new Error(`${source}: invalid line "${line}": the name is empty`);
  return name;
}

const COMMAND_LINE = /^::([A-Za-z][\w-]*)(?: ([^:]*))?::(.*)$/;
const propertyEscapes: Record<string, string> = { '%25': '%', '%0D': '\r', '%0A': '\n', '%3A': ':', '%2C': ',' };
const messageEscapes: Record<string, string> = { '%25': '%', '%0D': '\r', '%0A': '\n' };

function unescape(text: string, escapes: Record<string, string>): string {
  return text.replace(/%(?:25|0D|0A|3A|2C)/g, (code) => escapes[code] ?? code);
}

function parseCommand(match: RegExpExecArray): WorkflowCommand {
  const properties: Record<string, string> = {};
  for (const pair of (match[2] ?? '').split(',')) {
    const equals = pair.indexOf('=');
    if (equals > 0) properties[pair.slice(0, equals)] = unescape(pair.slice(equals + 1), propertyEscapes);
  }
  return { command: match[1]!, properties, message: unescape(match[3]!, messageEscapes) };
}

/** One line of a step's stdout, as the runner reads it. */
export interface StdoutLine {
  text: string;
  /** The workflow command the runner carries out on this line; none between stop-commands and its resume line. */
  command?: WorkflowCommand;
  /** `::stop-commands::TOKEN` or the `::TOKEN::` that resumes: the runner's own control lines. */
  control?: true;
}

/**
 * Reads a step's stdout as the runner does: the `::name key=value,...::message` workflow commands, none between
 * `::stop-commands::TOKEN` and `::TOKEN::` (those two are control lines, not commands).
 */
export function readStdoutLines(stdout: string): StdoutLine[] {
  const lines: StdoutLine[] = [];
  let resumeLine: string | undefined;
  for (const text of stdout.split(/\r?\n/)) {
    if (resumeLine !== undefined) {
      if (text !== resumeLine) lines.push({ text });
      else {
        resumeLine = undefined;
        lines.push({ text, control: true });
      }
      continue;
    }
    const match = COMMAND_LINE.exec(text);
    const command = match ? parseCommand(match) : undefined;
    if (command?.command === 'stop-commands') {
      resumeLine = `::${command.message}::`;
      lines.push({ text, control: true });
    } else lines.push(command ? { text, command } : { text });
  }
  return lines;
}

/** A step's workflow commands, and the log the runner shows before masking: stdout without the `::add-mask::` lines it consumes. */
export function parseStdout(stdout: string): { commands: WorkflowCommand[]; log: string } {
  const lines = readStdoutLines(stdout);
  return {
    commands: lines.flatMap((line) => (line.command ? [line.command] : [])),
    log: lines
      .filter((line) => line.command?.command !== 'add-mask')
      .map((line) => line.text)
      .join('\n'),
  };
}
