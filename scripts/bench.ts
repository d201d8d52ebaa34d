// `npm run bench`: every benchmark, one after the other, each in its own process so none inherits the other's heap.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const benches: Array<[string, string[]]> = [
  ['policy check: 200 programs, 20,000 source files', ['scripts/bench-policy.ts']],
  ['a monorepo: 200 programs in 20 workspaces found by auto, and changed-since', ['scripts/bench-monorepo.ts', process.argv[2] ?? '3']],
  ['node_modules cache: the action with a warm cache vs npm ci vs bare tar', ['scripts/bench-cache.ts', process.argv[2] ?? '3']],
  ['a real Pulumi program (preset current): warm, cold and start-up on tmpfs and disk', ['scripts/bench-real-program.ts', process.argv[2] ?? '3']],
  ['the real Pulumi program with pnpm 10, yarn 1, yarn 4 and bun: warm and cold', ['scripts/bench-managers.ts', process.argv[2] ?? '3']],
];
const root = fileURLToPath(new URL('..', import.meta.url));
let failed = false;
for (const [title, args] of benches) {
  console.log(`\n=== ${title} ===`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', ...args], { cwd: root, stdio: 'inherit', timeout: 30 * 60_000 });
  failed ||= result.status !== 0;
}
process.exitCode = failed ? 1 : 0;
