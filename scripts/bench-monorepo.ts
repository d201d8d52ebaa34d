/**
 * Benchmark of finding the programs of a monorepo: a git repository of 200 Pulumi programs across 20 npm workspaces
 * (each a root package.json and lockfile with 10 members, each member with 10 TypeScript sources), generated in a
 * temporary folder. The action (dist/ on Node 24, as the runner runs it) runs policy-only (`install: false`):
 *   - discovery: `working-directory: auto`, then the policy check of the 200 programs it finds;
 *   - listed: the same 200 folders named one per line (no search): what discovery adds;
 *   - changed-since: `auto` with `changed-since` the commit before one program's change (one program checked);
 *   - node -e 0 on the same Node 24: the floor of any run.
 * Each reports the median time of N rounds and the action process's peak RSS, against the goals (discovery and policy
 * of 200 programs under 2 s and 250 MB; changed-since with one change under 0.5 s).
 * Run: node --import tsx scripts/bench-monorepo.ts [rounds]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { node24 } from '../__tests__/support/node24.js';
import { median, roundsArgument, run, runRounds, seconds, timeTheAction, writeProgram } from './bench-support.js';

const WORKSPACES = 20;
const MEMBERS = 10;
const SOURCES = 10;
const GOALS = { discoveryMs: 2000, discoveryMiB: 250, changedMs: 500 };
const rounds = roundsArgument(process.argv[2]);

const memberDir = (workspace: number, member: number) => `ws-${workspace}/programs/p-${member}`;

/** One npm workspace: its root package.json and lockfile, and its members, each a Pulumi program. */
async function writeWorkspace(repo: string, index: number): Promise<void> {
  const members = Array.from({ length: MEMBERS }, (_, member) => `programs/p-${member}`);
  const dependencies = { '@pulumi/pulumi': '^3.0.0', '@pulumi/random': '^4.0.0' };
  const packages: Record<string, object> = { '': { name: `ws-${index}`, workspaces: ['programs/*'] } };
  for (const member of members) {
    packages[member] = { name: `ws-${index}-${member.replace('/', '-')}`, version: '1.0.0', dependencies };
    packages[`node_modules/ws-${index}-${member.replace('/', '-')}`] = { resolved: member, link: true };
  }
  for (const [name, version] of [
    ['@pulumi/pulumi', '3.150.0'],
    ['@pulumi/random', '4.18.0'],
  ] as const)
    packages[`node_modules/${name}`] = {
      version,
      resolved: `https://registry.npmjs.org/${name}/-/${name.split('/')[1]}-${version}.tgz`,
      integrity: 'sha512-x',
    };
  await writeProgram(join(repo, `ws-${index}`), {
    'package.json': JSON.stringify({ name: `ws-${index}`, private: true, workspaces: ['programs/*'] }, null, 2),
    'package-lock.json': JSON.stringify({ name: `ws-${index}`, lockfileVersion: 3, requires: true, packages }, null, 2),
  });
  for (let member = 0; member < MEMBERS; member++) {
    const files: Record<string, string> = {
      'package.json': JSON.stringify({ name: `ws-${index}-programs-p-${member}`, version: '1.0.0', dependencies }, null, 2),
      'Pulumi.yaml': `name: ws-${index}-p-${member}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n`,
      'index.ts': [
        'import * as pulumi from "@pulumi/pulumi";',
        'import * as random from "@pulumi/random";',
        ...Array.from({ length: SOURCES }, (_, i) => `export * from "./part-${i}";`),
        'export const name = new random.RandomPet("pet").id;',
        'export const stack = pulumi.getStack();\n',
      ].join('\n'),
    };
    for (let i = 0; i < SOURCES; i++) files[`part-${i}.ts`] = `import * as pulumi from "@pulumi/pulumi";\nexport const part${i} = pulumi.output(${i});\n`;
    await writeProgram(join(repo, memberDir(index, member)), files);
  }
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', HOME: cwd },
  }).trim();
}

/** A preload that writes the peak RSS of each Node.js process it is loaded into, with its script, to RSS_FILE. */
const RSS_PRELOAD =
  "process.on('exit', () => require('node:fs').appendFileSync(process.env.BENCH_RSS_FILE, " +
  "JSON.stringify({ script: process.argv[1], kib: process.resourceUsage().maxRSS }) + '\\n'));\n";

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'bench-monorepo-'));
  try {
    const repo = join(root, 'repo');
    for (let index = 0; index < WORKSPACES; index++) await writeWorkspace(repo, index);
    await writeFile(join(repo, '.gitignore'), 'node_modules/\n');
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'programs');
    const base = git(repo, 'rev-parse', 'HEAD');
    await writeFile(join(repo, memberDir(7, 3), 'part-0.ts'), 'export const part0 = "changed";\n');
    git(repo, 'commit', '-q', '-a', '-m', 'one program changed');
    const folders = Array.from({ length: WORKSPACES * MEMBERS }, (_, n) => memberDir(Math.floor(n / MEMBERS), n % MEMBERS));

    const preload = join(root, 'rss.cjs');
    await writeFile(preload, RSS_PRELOAD);
    const peaks: Record<string, number[]> = {};
    const searches: Record<string, number[]> = {};
    const startUps: Record<string, number[]> = {};
    const policyOnly = (name: string, inputs: Record<string, string>, expected: number) => async () => {
      const rssFile = join(root, `rss-${name}.jsonl`);
      rmSync(rssFile, { force: true });
      const { ms, main } = await timeTheAction({
        workspace: repo,
        tempParent: root,
        inputs: { install: 'false', preset: 'current', policy: 'warn', ...inputs },
        env: { NODE_OPTIONS: `--require ${preload}`, BENCH_RSS_FILE: rssFile },
      });
      const programs = JSON.parse(main.outputs['programs'] ?? '[]') as string[];
      if (programs.length !== expected) throw new Error(`${name}: ${programs.length} programs, not ${expected}:\n${main.log.slice(-2000)}`);
      const action = existsSync(rssFile)
        ? readFileSync(rssFile, 'utf8')
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as { script: string; kib: number })
            .filter((entry) => entry.script.endsWith(join('dist', 'index.js')))
        : [];
      (peaks[name] ??= []).push(Math.max(...action.map((entry) => entry.kib)) / 1024);
      // The summary's Timings: the settings with the search and git, inside the start-up, and when they started (Node's
      // start and loading the action before them).
      const search = /\| Settings: find programs \| ([\d.]+) s \| ([\d.]+) s \|/.exec(main.summary);
      if (search) {
        (startUps[name] ??= []).push(Number(search[1]) * 1000);
        (searches[name] ??= []).push(Number(search[2]) * 1000);
      }
      return ms;
    };
    const times = await runRounds(rounds, {
      discovery: policyOnly('discovery', { 'working-directory': 'auto' }, folders.length),
      listed: policyOnly('listed', { 'working-directory': folders.join('\n') }, folders.length),
      changed: policyOnly('changed', { 'working-directory': 'auto', 'changed-since': base }, 1),
      nodeStart: async () => {
        const start = performance.now();
        await run(node24(), ['-e', '0']);
        return performance.now() - start;
      },
    });
    const ms = (name: string) => median(times[name]);
    const mib = (name: string) => Math.max(...(peaks[name] ?? [NaN]));
    const line = (label: string, value: string): void => console.log(`  ${label.padEnd(52)}${value}`);
    console.log(
      `\n${folders.length} programs in ${WORKSPACES} npm workspaces (${folders.length * (SOURCES + 1)} sources); medians of ${rounds} round(s), policy only:`,
    );
    line('discovery + policy (auto)', `${seconds(ms('discovery'))}, peak RSS ${mib('discovery').toFixed(0)} MiB`);
    line('  of which settings: find programs', seconds(median(searches['discovery'])));
    line('policy of the 200 folders listed (no search)', `${seconds(ms('listed'))}, peak RSS ${mib('listed').toFixed(0)} MiB`);
    line('changed-since, one program changed', `${seconds(ms('changed'))}, peak RSS ${mib('changed').toFixed(0)} MiB`);
    line('  of which settings: find programs, git diff', seconds(median(searches['changed'])));
    line('  of which before the settings (Node, the bundle)', seconds(median(startUps['changed'])));
    line('node -e 0 (Node 24)', seconds(ms('nodeStart')));
    console.log(`Ratios (goals: <= 1.00 of each goal):`);
    line(`discovery + policy / ${seconds(GOALS.discoveryMs)} goal`, (ms('discovery') / GOALS.discoveryMs).toFixed(2));
    line(`discovery peak RSS / ${GOALS.discoveryMiB} MiB goal`, (mib('discovery') / GOALS.discoveryMiB).toFixed(2));
    line(`changed-since / ${seconds(GOALS.changedMs)} goal`, (ms('changed') / GOALS.changedMs).toFixed(2));
    line("discovery + policy / listed (the search's cost)", (ms('discovery') / ms('listed')).toFixed(2));
    line('changed-since / node -e 0', (ms('changed') / ms('nodeStart')).toFixed(2));
    const missed = ms('discovery') > GOALS.discoveryMs || mib('discovery') > GOALS.discoveryMiB || ms('changed') > GOALS.changedMs;
    if (missed) console.log('A goal was missed.');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
