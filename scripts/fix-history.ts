// `npm run fix-history -- <git dir of pulumi/examples> [--until YYYY-MM-DD]`: takes every distinct Pulumi program in
// pulumi/examples' history written before the 0.10 packages (a @pulumi/* range below 0.10.0, or `pulumi` installed
// rather than linked), copies it to a temporary folder, runs `setup-pulumi-npm fix` then `check` (preset pulumi-0.10,
// named: fix writes a preset's own edits only when the user chose it),
// and counts how many pass and end with the ranges Pulumi's 0.10 documents prescribe: @pulumi/* at "^0.10.0" in
// dependencies, `pulumi` as "latest" in peerDependencies. CI has no copy of pulumi/examples: the test suite covers
// the same shapes with its own fixtures (__tests__/fix.test.ts, __tests__/cli.test.ts).
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import semver from 'semver';
import { runCli } from '../src/cli/run.js';

const [gitDir, ...rest] = process.argv.slice(2);
if (gitDir === undefined) {
  console.error('Usage: npm run fix-history -- <git dir of pulumi/examples> [--until YYYY-MM-DD]');
  process.exit(2);
}
const until = rest[rest.indexOf('--until') + 1] ?? '2018-06-01';
const git = (...args: string[]) => execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });

type Manifest = Record<string, Record<string, string> | undefined>;
const SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];

/** Written before 0.10: a @pulumi/* range that admits a version below 0.10.0, or `pulumi` listed outside the peers. */
function isPre010(manifest: Manifest): boolean {
  return SECTIONS.some((section) =>
    Object.entries(manifest[section] ?? {}).some(([name, spec]) => {
      if (name === 'pulumi') return section !== 'peerDependencies';
      if (!name.startsWith('@pulumi/')) return false;
      const lowest = semver.validRange(spec) === null ? null : semver.minVersion(spec);
      return lowest !== null && semver.lt(lowest, '0.10.0');
    }),
  );
}

/** What differs from the documents' form; empty when it matches. */
function rangeProblems(manifest: Manifest): string[] {
  const problems: string[] = [];
  for (const section of SECTIONS) {
    for (const [name, spec] of Object.entries(manifest[section] ?? {})) {
      if (name.startsWith('@pulumi/') && (section !== 'dependencies' || spec !== '^0.10.0')) problems.push(`${section} ${name}: ${spec}`);
      if (name === 'pulumi' && (section !== 'peerDependencies' || spec !== 'latest')) problems.push(`${section} pulumi: ${spec}`);
    }
  }
  return problems;
}

// Distinct programs: one per tree of a folder holding a pre-0.10 package.json, over the commits up to `until`.
const programs = new Map<string, { commit: string; folder: string }>();
for (const commit of git('log', '--format=%H', `--until=${until}`).split('\n').filter(Boolean).reverse()) {
  for (const line of git('ls-tree', '-r', commit).split('\n')) {
    const match = /^\d+ blob ([0-9a-f]+)\t(.*\/)?package\.json$/.exec(line);
    if (match === null || (match[2] ?? '').includes('node_modules/')) continue;
    const folder = (match[2] ?? '').replace(/\/$/, '');
    let manifest: Manifest;
    try {
      manifest = JSON.parse(git('cat-file', 'blob', match[1]!)) as Manifest;
    } catch {
      continue;
    }
    if (!isPre010(manifest)) continue;
    const tree = git('rev-parse', `${commit}:${folder}`).trim();
    if (!programs.has(tree)) programs.set(tree, { commit, folder });
  }
}

const root = await mkdtemp(join(tmpdir(), 'fix-history-'));
const silent = { out: () => {}, err: () => {}, colour: false };
const counts = { programs: 0, fixed: 0, checkPasses: 0, documentedRanges: 0 };
const failures: string[] = [];
try {
  for (const [tree, { commit, folder }] of programs) {
    const dir = join(root, tree.slice(0, 12));
    for (const path of git('ls-tree', '-r', '--name-only', tree).split('\n').filter(Boolean)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), execFileSync('git', ['--git-dir', gitDir, 'cat-file', 'blob', `${tree}:${path}`], { maxBuffer: 256 << 20 }));
    }
    counts.programs++;
    const name = `${commit.slice(0, 9)}:${folder || '.'}`;
    const fixCode = await runCli(['fix', '--preset', 'pulumi-0.10', dir], { cwd: root, ...silent });
    if (fixCode === 0) counts.fixed++;
    let report = '';
    const checkCode = await runCli(['check', '--preset', 'pulumi-0.10', dir], { cwd: root, ...silent, out: (text) => (report += text) });
    if (checkCode === 0) counts.checkPasses++;
    else failures.push(`${name}: check exits ${checkCode}:\n${report}`);
    const problems = rangeProblems(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Manifest);
    if (problems.length === 0) counts.documentedRanges++;
    else failures.push(`${name}: not the documents' ranges: ${problems.join('; ')}`);
  }
} finally {
  await rm(root, { recursive: true, force: true });
}

console.log(failures.join('\n'));
console.log(
  `${counts.programs} pre-0.10 programs (distinct trees, commits until ${until}): fix exited 0 for ${counts.fixed}, check passes for ` +
    `${counts.checkPasses}, the documents' ranges for ${counts.documentedRanges}.`,
);
process.exitCode = counts.checkPasses === counts.programs && counts.documentedRanges === counts.programs ? 0 : 1;
