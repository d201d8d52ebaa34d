import assert from 'node:assert/strict';
import { cp } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { errorsOf, runPolicyCheck, withSandbox } from './support/e2e.js';
import { POLICY_FIXTURES } from './support/policy.js';

// Each fixture is a lockfile its manager made (pnpm 10, yarn 1, yarn 4, bun 1.4), @pulumi/random then pointed elsewhere.
const TAMPERED = [
  { program: 'pnpm-v9', file: 'pnpm-lock.yaml', line: '43', col: '135' },
  { program: 'yarn-v1', file: 'yarn.lock', line: '17', col: '12' },
  { program: 'yarn-berry', file: 'yarn.lock', line: '24', col: '15' },
  { program: 'bun-text', file: 'bun.lock', line: '28', col: '49' },
];

describe("the policy check reads each manager's lockfile, end to end (install: false, preset current)", () => {
  for (const { program, file, line, col } of TAMPERED)
    it(`${program}: the tampered entry is an error on its URL's line`, async () => {
      await withSandbox({}, async (sandbox) => {
        await cp(`${POLICY_FIXTURES}${program}`, sandbox.workspace, { recursive: true });
        const run = await runPolicyCheck(sandbox, { preset: 'current' });
        try {
          assert.equal(run.main.exitCode, 1);
          const annotations = errorsOf(run.main)
            .filter((command) => command.properties['title'] === 'lockfile-registry')
            .map((command) => [command.properties['file'], command.properties['line'], command.properties['col']]);
          assert.deepEqual(annotations, [[file, line, col]]);
        } finally {
          await run.cleanup();
        }
      });
    });
});
