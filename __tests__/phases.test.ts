import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { phaseTimer } from '../src/action/phases.js';
import type { Phase } from '../src/report/run-report.js';

describe('phaseTimer', () => {
  it('records when each phase started and how long it took, also when it fails', async () => {
    let clock = 1_000;
    const phases: Phase[] = [];
    const time = phaseTimer(phases, () => clock);
    const value = await time('first', async () => {
      clock += 250;
      return 42;
    });
    assert.equal(value, 42);
    await assert.rejects(
      time('second', async () => {
        clock += 1_500;
        throw new Error('failed');
      }),
      /failed/,
    );
    assert.deepEqual(phases, [
      { name: 'first', startSeconds: 1, seconds: 0.25 },
      { name: 'second', startSeconds: 1.25, seconds: 1.5 },
    ]);
  });
});
