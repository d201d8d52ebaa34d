// `npm run release -- X.Y.Z [--dry-run] [--remote=origin]`: checks that the tree is clean, dist/ is current,
// package.json and CHANGELOG.md name the version, and the command line's npm package packs the bundle alone, then tags
// vX.Y.Z, moves the major tag vX to it and pushes both: the tag's push has the release workflow
// (.github/workflows/release.yml) publish that package to npm, with provenance. It prints every check and command
// first; --dry-run stops there.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stageCliPackage } from './cli-package.js';
import { planRelease } from './release-plan.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const requested = args.find((arg) => !arg.startsWith('--'));
const dryRun = args.includes('--dry-run');
const remote = args.find((arg) => arg.startsWith('--remote='))?.slice('--remote='.length) ?? 'origin';
if (!requested) {
  console.error('Usage: npm run release -- X.Y.Z [--dry-run] [--remote=origin]');
  process.exit(2);
}

function run(command: string, commandArgs: string[], cwd = root): string {
  // npm is npm.cmd on Windows, which only a shell runs.
  const shell = command === 'npm' && process.platform === 'win32';
  const result = spawnSync(command, commandArgs, { cwd, encoding: 'utf8', shell, timeout: 5 * 60_000 });
  if (result.status !== 0) throw new Error(`${command} ${commandArgs.join(' ')} failed (${result.status ?? result.signal}):\n${result.stderr}`);
  return result.stdout;
}
const lines = (text: string): string[] => text.split('\n').filter((line) => line.trim() !== '');

const uncommitted = lines(run('git', ['status', '--porcelain']));
console.log('Rebuilding dist/ to compare it with the committed one…');
run('npm', ['run', 'bundle']);
/** The files npm would pack into the command line's package, staged as the release workflow stages it. */
function cliPackFiles(): string[] {
  const staged = mkdtempSync(join(tmpdir(), 'cli-package-'));
  try {
    stageCliPackage(staged, undefined);
    const [packed] = JSON.parse(run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], staged)) as { files: { path: string }[] }[];
    return (packed?.files ?? []).map((file) => file.path);
  } finally {
    rmSync(staged, { recursive: true, force: true });
  }
}
const plan = planRelease(
  {
    requested,
    packageVersion: (JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string }).version,
    tags: lines(run('git', ['tag', '--list'])),
    changelog: readFileSync(`${root}/CHANGELOG.md`, 'utf8'),
    uncommitted,
    distChanges: lines(run('git', ['status', '--porcelain', '--', 'dist'])),
    cliPackFiles: cliPackFiles(),
  },
  remote,
);

const head = run('git', ['log', '-1', '--format=%h %s']).trim();
console.log(`\nRelease ${plan.tag || requested} of ${head}:`);
for (const check of plan.checks) console.log(`  ${check.ok ? '✔' : '✖'} ${check.text}`);
if (plan.checks.some((check) => !check.ok)) {
  console.error('\nNot released: fix what is marked ✖ above.');
  process.exit(1);
}
console.log(`\n${dryRun ? 'Would run' : 'Running'}:`);
for (const command of plan.commands) console.log(`  ${command.map((arg) => (/\s/.test(arg) ? `"${arg}"` : arg)).join(' ')}`);
if (dryRun) {
  console.log('\nDry run: nothing was tagged or pushed.');
} else {
  for (const [command, ...commandArgs] of plan.commands) run(command!, commandArgs);
  console.log(
    `\nReleased ${plan.tag}; ${plan.majorTag} points at it. The release workflow publishes the command line to npm and drafts the ` +
      'GitHub release: write its notes from CHANGELOG.md, then publish it.',
  );
}
