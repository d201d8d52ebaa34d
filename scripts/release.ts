// `npm run release -- X.Y.Z [--dry-run] [--remote=origin]`: checks that the tree is clean, dist/ is current,
// package.json and CHANGELOG.md name the version, then tags vX.Y.Z, moves the major tag vX to it and pushes both.
// It prints every check and command first; --dry-run stops there.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

function run(command: string, commandArgs: string[]): string {
  // npm is npm.cmd on Windows, which only a shell runs.
  const shell = command === 'npm' && process.platform === 'win32';
  const result = spawnSync(command, commandArgs, { cwd: root, encoding: 'utf8', shell, timeout: 5 * 60_000 });
  if (result.status !== 0) throw new Error(`${command} ${commandArgs.join(' ')} failed (${result.status ?? result.signal}):\n${result.stderr}`);
  return result.stdout;
}
const lines = (text: string): string[] => text.split('\n').filter((line) => line.trim() !== '');

const uncommitted = lines(run('git', ['status', '--porcelain']));
console.log('Rebuilding dist/ to compare it with the committed one…');
run('npm', ['run', 'bundle']);
const plan = planRelease(
  {
    requested,
    packageVersion: (JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string }).version,
    tags: lines(run('git', ['tag', '--list'])),
    changelog: readFileSync(`${root}/CHANGELOG.md`, 'utf8'),
    uncommitted,
    distChanges: lines(run('git', ['status', '--porcelain', '--', 'dist'])),
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
  console.log(`\nReleased ${plan.tag}; ${plan.majorTag} points at it. Write the release notes on GitHub from CHANGELOG.md.`);
}
