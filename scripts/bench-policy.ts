/**
 * Benchmark of the dependency policy check: generates a repository of 200 Pulumi programs with 20,000 source
 * files in all (TypeScript ESM, CommonJS JavaScript and ES modules mixed, as real repositories are) in a
 * temporary folder, checks each program as the action does before the install (readProgram, then checkProgram, one
 * program at a time, keeping of each only what the later steps read), and reports the time, the peak memory (against
 * the process's own before any work, and plain Node's) and the share spent parsing sources.
 *
 * Run: node --import tsx scripts/bench-policy.ts [programs] [files-per-program]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { checkProgram } from '../src/policy/index.js';
import { DEFAULT_PRESET, presetConfig } from '../src/policy/presets.js';
import { readProgram } from '../src/program-files/read.js';
import { LOCKFILE } from '../src/package-managers/npm/files.js';
import { readNpmLockfile } from '../src/package-managers/npm/lockfile.js';
import { parseManifest } from '../src/policy/manifest.js';
import { scanSources } from '../src/policy/scan/scan.js';
import type { PolicyOptions } from '../src/policy/types.js';
import { checkedInput, type CheckedInput } from '../src/action/steps/policy.js';

/** `--generate <root> [programs] [files-per-program]`: the child process that writes the programs. */
const generating = process.argv[2] === '--generate';
const [programsArg, filesArg] = process.argv.slice(generating ? 4 : 2);
const PROGRAMS = Number(programsArg ?? 200);
const FILES_PER_PROGRAM = Number(filesArg ?? 100);
const GOAL_MS = 2000;
const GOAL_MIB = 250;
const MIB = 1024 * 1024;

const PACKAGES = ['@pulumi/aws', '@pulumi/cloud', '@pulumi/cloud-aws'];

function packageJson(index: number): string {
  return JSON.stringify(
    {
      name: `program-${index}`,
      main: 'bin/index.js',
      scripts: { build: 'tsc' },
      devDependencies: { typescript: '^2.6.2', '@types/node': '^8.0.26' },
      dependencies: Object.fromEntries(PACKAGES.map((name) => [name, '^0.10.0'])),
      peerDependencies: { pulumi: 'latest' },
    },
    null,
    2,
  );
}

function lockfile(index: number): string {
  const packages: Record<string, object> = {
    '': { name: `program-${index}`, dependencies: Object.fromEntries(PACKAGES.map((name) => [name, '^0.10.0'])), peerDependencies: { pulumi: 'latest' } },
  };
  for (const name of PACKAGES)
    packages[`node_modules/${name}`] = {
      version: '0.10.1',
      resolved: `https://npmjs.pulumi.com/${name}/-/${name.split('/')[1]}-0.10.1.tgz`,
      integrity: 'sha512-x',
    };
  for (let i = 0; i < 300; i++)
    packages[`node_modules/dependency-${i}`] = {
      version: '1.0.0',
      resolved: `https://registry.npmjs.org/dependency-${i}/-/dependency-${i}-1.0.0.tgz`,
      integrity: 'sha512-y',
    };
  return JSON.stringify({ name: `program-${index}`, lockfileVersion: 3, requires: true, packages }, null, 2);
}

/** About 1.5 KB of a typical Pulumi program's code, typed (TypeScript) or not (JavaScript). */
function body(file: number, typed: boolean): string {
  const t = (annotation: string): string => (typed ? annotation : '');
  return `
/** Component ${file}: a bucket, a function and an endpoint. */
${typed ? `interface Options${file} { name: string; tags?: Record<string, string>; retries: number }` : ''}
const defaults${file}${t(`: Options${file}`)} = { name: "component-${file}", retries: 3 };
export class Component${file} {
  constructor(options${t(`: Partial<Options${file}>`)} = {}) {
    const merged = { ...defaults${file}, ...options };
    this.name = merged.name; // "import 'not-a-module'" inside a comment
  }
  describe()${t(': string')} { return \`component \${this.name} has \${defaults${file}.retries} retries\`; }
  ratio(a${t(': number')}, b${t(': number')})${t(': number')} { return a < b ? a / (b || 1) : b / (a || 1); }
}
const pattern${file} = /${typed ? 'import' : 'require'}\\(["']x["']\\)/g;
export function handler${file}(event${t(': { path: string }')}) {
  if (pattern${file}.test(event.path)) { return { statusCode: 400, body: "bad request" }; }
  for (let attempt = 0; attempt < defaults${file}.retries; attempt++) { if (attempt > 1) break; }
  return { statusCode: 200, body: JSON.stringify({ path: event.path, component: ${file} }) };
}
`;
}

/** One source file in one of three module styles: 70% TypeScript ESM, 20% CommonJS, 10% plain ES modules. */
function source(file: number): { path: string; text: string } {
  const style = file % 10;
  const folder = `src/module-${file % 10}`;
  if (style < 7)
    return {
      path: `${folder}/component-${file}.ts`,
      text:
        `import * as pulumi from "pulumi";\nimport * as aws from "@pulumi/aws";\nimport type { Output } from "@pulumi/aws/s3";\nimport ` +
        `{ helper } from "./helper-${file}";\n${body(file, true)}\nexport const bucket${file} = new aws.s3.Bucket("b${file}");\n`,
    };
  if (style < 9)
    return {
      path: `${folder}/component-${file}.js`,
      text:
        `"use strict";\nconst cloud = require("@pulumi/cloud");\nconst { s3 } = ` +
        `require('@pulumi/aws');\n${body(file, false)}\nmodule.exports.endpoint = new cloud.HttpEndpoint("e${file}");\n`,
    };
  return {
    path: `${folder}/component-${file}.mjs`,
    text:
      `import * as cloud from "@pulumi/cloud";\nexport { default as util } from ` +
      `"./util.mjs";\nconst later = () => import("@pulumi/aws");\n${body(file, false)}`,
  };
}

const programDir = (root: string, index: number): string => join(root, 'programs', `program-${index}`);

async function generate(root: string): Promise<void> {
  for (let p = 0; p < PROGRAMS; p++) {
    const dir = programDir(root, p);
    const files: Record<string, string> = {
      'package.json': packageJson(p),
      'package-lock.json': lockfile(p),
      'tsconfig.json': '{ "compilerOptions": { "outDir": "bin", "strict": true } }',
      'Pulumi.yaml': `name: program-${p}\nruntime: nodejs\n`,
      'Pulumi.dev.yaml': 'config:\n  cloud:provider: aws\n  aws:region: us-west-2\n',
      '.gitignore': 'bin/\nnode_modules/\n',
    };
    for (let f = 0; f < FILES_PER_PROGRAM; f++) {
      const { path, text } = source(f);
      files[path] = text;
    }
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), text);
    }
  }
}

interface Run {
  readMs: number;
  checkMs: number;
  totalMs: number;
  findings: number;
  sourceCount: number;
}

/**
 * Checks every program as the action's checkPrograms does: read, check, and keep until the end only what the steps
 * after the check read (CheckedInput), so one program's sources are alive at a time.
 */
async function checkAll(dirs: string[], options: PolicyOptions): Promise<Run> {
  const run: Run = { readMs: 0, checkMs: 0, totalMs: 0, findings: 0, sourceCount: 0 };
  const kept: CheckedInput[] = [];
  const started = performance.now();
  for (const dir of dirs) {
    const readStart = performance.now();
    const program = await readProgram(dir, options.config);
    const checkStart = performance.now();
    run.findings += (await checkProgram(program, options)).findings.length;
    run.checkMs += performance.now() - checkStart;
    run.readMs += checkStart - readStart;
    run.sourceCount += program.sources.length;
    kept.push(checkedInput(program));
  }
  run.totalMs = performance.now() - started;
  return run;
}

const timed = async (work: () => Promise<unknown> | void): Promise<number> => {
  const start = performance.now();
  await work();
  return performance.now() - start;
};

/** The parsing inside checkProgram, timed alone over the same files: each program is read again (untimed), parsed, and let go. */
async function timeParsing(dirs: string[], options: PolicyOptions): Promise<{ sourcesMs: number; manifestsMs: number }> {
  const times = { sourcesMs: 0, manifestsMs: 0 };
  for (const dir of dirs) {
    const program = await readProgram(dir, options.config);
    const lockfile = { path: join(dir, LOCKFILE), text: readFileSync(join(dir, LOCKFILE), 'utf8') };
    times.sourcesMs += await timed(() => scanSources(program.sources));
    times.manifestsMs += await timed(() => {
      parseManifest(program.packageJson);
      readNpmLockfile(lockfile);
    });
  }
  return times;
}

/** What a bare Node.js process takes, for comparison with this one's (which loads tsx and the action's modules). */
function plainNodeMiB(): number {
  const script = 'process.stdout.write(String(process.resourceUsage().maxRSS))';
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 })) / 1024;
}

async function main(): Promise<void> {
  const baselineMiB = process.memoryUsage().rss / MIB;
  const root = await mkdtemp(join(tmpdir(), 'policy-bench-'));
  try {
    await mkdir(join(root, '.git'));
    // Written by a process of its own: what writing 20,000 files leaves in this one's heap is not the check's.
    const script = fileURLToPath(import.meta.url);
    const generator = [...process.execArgv, script, '--generate', root, String(PROGRAMS), String(FILES_PER_PROGRAM)];
    execFileSync(process.execPath, generator, { stdio: 'inherit', timeout: 600_000 });
    const dirs = Array.from({ length: PROGRAMS }, (_, index) => programDir(root, index));
    const options: PolicyOptions = {
      scope: '@pulumi',
      links: ['pulumi'],
      registryUrl: 'https://npmjs.pulumi.com/',
      config: presetConfig(DEFAULT_PRESET),
    };

    const cold = await checkAll(dirs, options);
    // The action checks once: the peak so far is its own. The runs below are the benchmark's.
    const checkPeakMiB = process.resourceUsage().maxRSS / 1024;
    // Once more with the code warm, to compare like with like against the parse-only pass below.
    const { readMs, checkMs, totalMs, findings, sourceCount } = await checkAll(dirs, options);
    const { sourcesMs, manifestsMs } = await timeParsing(dirs, options);
    const parseMs = sourcesMs + manifestsMs;

    const peakMiB = process.resourceUsage().maxRSS / 1024;
    const line = (label: string, value: string): void => console.log(`${label.padEnd(40)}${value}`);
    const share = (ms: number): string => `${ms.toFixed(0)} ms (${((100 * ms) / totalMs).toFixed(0)} %)`;
    line('programs / source files', `${dirs.length} / ${sourceCount}`);
    line('findings (expected 0)', String(findings));
    line('total, first run: read + check', `${cold.totalMs.toFixed(0)} ms (goal < ${GOAL_MS} ms)`);
    line('total, second run (warm)', `${totalMs.toFixed(0)} ms, of which:`);
    line('  reading (walk, .gitignore, files)', share(readMs));
    line('  checking', share(checkMs));
    line('    parsing sources', share(sourcesMs));
    line('    parsing package.json and lockfiles', share(manifestsMs));
    line('    rules and the rest', share(Math.max(0, checkMs - parseMs)));
    line('share outside parsing', `${((100 * (totalMs - parseMs)) / totalMs).toFixed(0)} % (of which reading ${((100 * readMs) / totalMs).toFixed(0)} %)`);
    const aboveBaseline = (mib: number): string => `${mib.toFixed(0)} MiB, ${(mib - baselineMiB).toFixed(0)} MiB above the baseline`;
    line('peak memory (max RSS), first run', `${aboveBaseline(checkPeakMiB)} (goal < ${GOAL_MIB} MiB)`);
    line('peak memory (max RSS), whole benchmark', aboveBaseline(peakMiB));
    line('baseline before any work (RSS)', `${baselineMiB.toFixed(0)} MiB (tsx and the modules; plain node -e 0: ${plainNodeMiB().toFixed(0)} MiB)`);
    if (findings + cold.findings !== 0) process.exitCode = 1;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (generating) await generate(process.argv[3]!);
else await main();
