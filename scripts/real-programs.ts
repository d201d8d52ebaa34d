// Runs the dependency policy (preset current, before any install) over real Pulumi Node.js programs as the command
// line's `check` does (the package-manager warning, every lockfile its manager reads), with a registry mirror
// configured as many organisations do (`registry=https://mirror.example.test/` in the user's npmrc), and compares the
// findings with the verdicts judged by hand.
//   npm run real-programs -- <corpus>... | --all | <pulumi/examples checkout>   [--write] [--messages]
// The corpora are __tests__/real-programs/corpora.json: public repositories, each at the commit read, with the folders
// to check: `programs` as given (as `working-directory` would name them; a workspace root checks its members), and
// `search`, searched for every folder with a Node.js Pulumi.yaml. A corpus name clones each repository into
// $REAL_PROGRAMS_CACHE (else $TMPDIR/real-programs) from https://github.com/<owner>/<name>.git, or from
// $REAL_PROGRAMS_GIT (`{owner}` and `{name}` in it), and checks out the commit.
// Verdicts per corpus: <corpus>.expected.json (pulumi-examples: expected.json) holds the findings judged true,
// <corpus>.false.json those judged false, with why. Exit 1 on any difference; --write records the findings not judged
// false as the new true ones (judge each by hand first; then npm run format); --messages prints each finding whole.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { checkProgram, type Finding } from '../src/policy/index.js';
import { readPulumiProject } from '../src/policy/pulumi-project.js';
import { choosePackageManager } from '../src/package-managers/detect.js';
import { managerNamed } from '../src/package-managers/index.js';
import { policyOptions } from '../src/program-files/policy-options.js';
import { readProgram } from '../src/program-files/read.js';
import { toPosix } from '../src/util/text.js';

interface Repository {
  repository: string;
  commit: string;
  programs?: string[];
  search?: string[];
}
interface Corpus {
  description: string;
  /** The verdicts' file, when not <corpus>.expected.json. */
  expected?: string;
  repositories: Repository[];
}
/** Findings (`<rule> <package>`) by program. */
type Findings = Record<string, string[]>;
/** Why each finding judged false is false, by program. */
type FalseFindings = Record<string, Record<string, string>>;

const VERDICTS = new URL('../__tests__/real-programs/', import.meta.url);
const CORPORA = JSON.parse(readFileSync(new URL('corpora.json', VERDICTS), 'utf8')) as Record<string, Corpus>;
const MAX_DEPTH = 6;
const MIRROR = 'https://mirror.example.test/';
const SCOPE = '@pulumi';

const args = process.argv.slice(2);
const write = args.includes('--write');
const named = args.filter((arg) => !arg.startsWith('--'));
if (named.length === 0 && !args.includes('--all')) {
  console.error(`Usage: npm run real-programs -- <corpus>... | --all | <pulumi/examples checkout> [--write]\nCorpora: ${Object.keys(CORPORA).join(', ')}`);
  process.exit(2);
}

/** Folders holding a Pulumi.yaml whose runtime is nodejs (or bun) and a package.json, in sorted order. */
async function nodePrograms(dir: string, depth = 0): Promise<string[]> {
  const entries = readdirSync(dir, { withFileTypes: true });
  const names = new Set(entries.map((entry) => entry.name));
  const found: string[] = [];
  if (names.has('Pulumi.yaml') && names.has('package.json')) {
    const file = join(dir, 'Pulumi.yaml');
    const project = await readPulumiProject([{ path: file, text: readFileSync(file, 'utf8') }]);
    if (project?.runtime === 'nodejs' || project?.runtime === 'bun') found.push(dir);
  }
  if (depth >= MAX_DEPTH) return found;
  for (const entry of entries.filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules').sort((a, b) => (a.name < b.name ? -1 : 1)))
    found.push(...(await nodePrograms(join(dir, entry.name), depth + 1)));
  return found;
}

/**
 * A checkout of the repository at the commit, in the cache (cloned once). A source that lacks some files (a mirror
 * without large binaries) still gives the rest, with a warning: the check reads none of those.
 */
function checkout({ repository, commit }: Repository): string {
  const [owner = '', name = ''] = repository.split('/');
  const dir = join(process.env['REAL_PROGRAMS_CACHE'] || join(tmpdir(), 'real-programs'), `${owner}+${name}`);
  const source = (process.env['REAL_PROGRAMS_GIT'] || 'https://github.com/{owner}/{name}.git').replaceAll('{owner}', owner).replaceAll('{name}', name);
  const git = (...gitArgs: string[]): void => void execFileSync('git', ['-C', dir, ...gitArgs], { stdio: 'ignore', timeout: 600_000 });
  if (!existsSync(join(dir, '.git'))) execFileSync('git', ['clone', '--quiet', '--no-checkout', source, dir], { stdio: 'inherit', timeout: 600_000 });
  try {
    git('cat-file', '-e', `${commit}^{commit}`);
  } catch {
    git('fetch', '--quiet', 'origin', commit);
  }
  git('read-tree', '--reset', commit);
  git('clean', '-qfdx');
  try {
    git('checkout-index', '--all', '--force');
  } catch {
    console.warn(`  ${repository}: some files of ${commit} are missing from ${source}; the others were checked out.`);
  }
  return dir;
}

/** The user config of an organisation with a mirror: npm's default replace-registry-host (npmjs) then fetches the lockfiles' public URLs from it. */
function mirrorEnvironment(): { env: NodeJS.ProcessEnv; remove: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'real-programs-home-'));
  writeFileSync(join(home, '.npmrc'), `registry=${MIRROR}\n`);
  return { env: { HOME: home, NPM_CONFIG_USERCONFIG: join(home, '.npmrc') }, remove: () => rmSync(home, { recursive: true, force: true }) };
}

/** The findings of one program, as `check` reports them: the package-manager warning, then the policy's. */
async function checkFolder(dir: string, root: string, env: NodeJS.ProcessEnv): Promise<Finding[]> {
  const choice = await choosePackageManager(dir, root, 'auto');
  const configuredRegistry = () => managerNamed(choice.name).registry.configured(SCOPE, dir, env, choice.version);
  const { options, findings } = await policyOptions({
    file: undefined,
    preset: 'current',
    detectPreset: () => ({ name: 'current', evidence: 'the preset the check asks for' }),
    registryUrl: undefined,
    scope: SCOPE,
    links: undefined,
    configuredRegistry,
  });
  if (options === undefined) throw new Error(`The current preset has no options: ${findings.map((f) => f.message).join(' ')}`);
  const report = await checkProgram(await readProgram(dir, options.config, { workspace: root, lockfile: choice.lockfile }), options);
  return [...(choice.warning ? [choice.warning] : []), ...findings, ...report.findings];
}

/** Runs a corpus (its repositories checked out, or the one checkout given) and returns its findings by program. */
async function runCorpus(corpus: Corpus, given: string | undefined, env: NodeJS.ProcessEnv): Promise<{ actual: Findings; programs: number }> {
  const actual: Findings = {};
  let programs = 0;
  for (const repository of corpus.repositories) {
    const root = given ?? checkout(repository);
    const searched = await Promise.all((repository.search ?? []).map((folder) => nodePrograms(resolve(root, folder))));
    for (const dir of [...(repository.programs ?? []).map((folder) => resolve(root, folder)), ...searched.flat()]) {
      programs++;
      const folder = toPosix(relative(root, dir)) || '.';
      const key = corpus.repositories.length === 1 ? folder : `${repository.repository}/${folder}`;
      let findings: string[];
      try {
        const found = await checkFolder(dir, root, env);
        if (args.includes('--messages'))
          for (const finding of found) console.log(`${key}: ${finding.rule} ${toPosix(relative(root, finding.file))}:${finding.line} ${finding.message}`);
        findings = found.map((finding) => `${finding.rule} ${finding.package ?? '-'}`);
      } catch (error) {
        findings = [`unreadable ${(error as Error).message.split('\n')[0]}`];
      }
      if (findings.length > 0) actual[key] = [...new Set(findings)].sort();
    }
  }
  return { actual, programs };
}

function readJson<T>(file: URL): T {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : ({} as T);
}

/** Counts by rule, from `<rule> <package>` lines. */
function countByRule(findings: Findings): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [rule = ''] of Object.values(findings).flatMap((lines) => lines.map((line) => line.split(' ')))) counts.set(rule, (counts.get(rule) ?? 0) + 1);
  return counts;
}

/** The lines of `actual` that `wanted` lacks (+) and of `wanted` that `actual` lacks (-). */
function differences(actual: Findings, wanted: Findings): string[] {
  const lines: string[] = [];
  for (const program of [...new Set([...Object.keys(wanted), ...Object.keys(actual)])].sort()) {
    const want = wanted[program] ?? [];
    const got = actual[program] ?? [];
    for (const item of got.filter((finding) => !want.includes(finding))) lines.push(`+ ${program}: ${item} (not in the verdicts)`);
    for (const item of want.filter((finding) => !got.includes(finding))) lines.push(`- ${program}: ${item} (in the verdicts, not found)`);
  }
  return lines;
}

const checkoutGiven = named.length === 1 && !(named[0]! in CORPORA) && existsSync(named[0]!) ? resolve(named[0]!) : undefined;
const names = args.includes('--all') ? Object.keys(CORPORA) : checkoutGiven ? ['pulumi-examples'] : named;
const unknown = names.filter((name) => !(name in CORPORA));
if (unknown.length > 0) {
  console.error(`No corpus named ${unknown.join(', ')}: the corpora are ${Object.keys(CORPORA).join(', ')}.`);
  process.exit(2);
}
const mirror = mirrorEnvironment();
let failed = false;
try {
  for (const name of names) {
    const corpus = CORPORA[name]!;
    const expectedFile = new URL(corpus.expected ?? `${name}.expected.json`, VERDICTS);
    const falseFindings = readJson<FalseFindings>(new URL(`${name}.false.json`, VERDICTS));
    const { actual, programs } = await runCorpus(corpus, checkoutGiven, mirror.env);
    const judgedFalse: Findings = Object.fromEntries(Object.entries(falseFindings).map(([program, reasons]) => [program, Object.keys(reasons)]));
    const all = countByRule(actual);
    const wrong = countByRule(judgedFalse);
    console.log(`${name}: ${corpus.repositories.length} repositories, ${programs} programs, ${Object.keys(actual).length} with findings`);
    for (const [rule, count] of [...all].sort()) console.log(`  ${rule}: ${count}${wrong.get(rule) ? ` (${wrong.get(rule)} judged false)` : ''}`);
    if (write) {
      const judgedTrue = Object.fromEntries(
        Object.entries(actual)
          .map(([program, lines]) => [program, lines.filter((line) => !(line in (falseFindings[program] ?? {})))] as const)
          .filter(([, lines]) => lines.length > 0),
      );
      writeFileSync(expectedFile, `${JSON.stringify(judgedTrue, null, 2)}\n`);
      console.log(`  Wrote ${relative(process.cwd(), expectedFile.pathname)}.`);
      continue;
    }
    const expected = readJson<Findings>(expectedFile);
    const wanted: Findings = { ...expected };
    for (const [program, lines] of Object.entries(judgedFalse)) wanted[program] = [...(wanted[program] ?? []), ...lines];
    const lines = differences(actual, wanted);
    for (const line of lines) console.log(`  ${line}`);
    console.log(lines.length > 0 ? `  ${lines.length} differences from the verdicts.` : '  Every finding matches the verdicts.');
    failed ||= lines.length > 0;
  }
} finally {
  mirror.remove();
}
process.exit(failed ? 1 : 0);
