/** Standard output routed by async context: the restore's log held back while the policy check prints its own. */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { holdStdout, routeStdout } from '../src/util/stdout-routing.js';
import { captureOutput } from './support/output.js';

describe('routeStdout', () => {
  test('routes only the writes of its own work, while other work writes to stdout as usual', async (t) => {
    const printed = captureOutput(t);
    const routed: string[] = [];
    const work = routeStdout(
      (text) => routed.push(text),
      async () => {
        process.stdout.write('inside 1\n');
        await sleep(20);
        process.stdout.write('inside 2\n');
      },
    );
    process.stdout.write('outside 1\n');
    await sleep(10);
    process.stdout.write('outside 2\n');
    await work;
    process.stdout.write('after\n');
    assert.deepEqual(routed, ['inside 1\n', 'inside 2\n']);
    assert.equal(printed.stdout(), 'outside 1\noutside 2\nafter\n');
  });

  test('nests: an inner sink passes its rewritten text to the enclosing one', async (t) => {
    captureOutput(t);
    const outer: string[] = [];
    await routeStdout(
      (text) => outer.push(text),
      () =>
        routeStdout(
          (text, onward) => onward(text.toUpperCase()),
          async () => void process.stdout.write('quiet\n'),
        ),
    );
    assert.deepEqual(outer, ['QUIET\n']);
  });

  test("reaches a child process's output that its work copies to stdout", async (t) => {
    captureOutput(t);
    const { getExecOutput } = await import('@actions/exec');
    const routed: string[] = [];
    await routeStdout(
      (text) => routed.push(text),
      () => getExecOutput(process.execPath, ['-e', 'console.log("from the child")']),
    );
    assert.match(routed.join(''), /from the child/);
  });
});

describe('holdStdout', () => {
  test('holds the output back until released, then prints it in one piece and gives the value', async (t) => {
    const printed = captureOutput(t);
    const held = holdStdout(async () => {
      process.stdout.write('::group::Restore\n');
      await sleep(10);
      process.stdout.write('::endgroup::\n');
      return 42;
    });
    process.stdout.write('::group::Policy\n::endgroup::\n');
    const output = await held;
    assert.equal(printed.stdout(), '::group::Policy\n::endgroup::\n');
    assert.equal(output.release(), 42);
    assert.equal(printed.stdout(), '::group::Policy\n::endgroup::\n::group::Restore\n::endgroup::\n');
  });

  test("prints a failed work's output, then throws its error", async (t) => {
    const printed = captureOutput(t);
    const held = await holdStdout(async () => {
      process.stdout.write('before the failure\n');
      throw new Error('restore failed');
    });
    assert.equal(printed.stdout(), '');
    assert.throws(() => held.release(), /restore failed/);
    assert.equal(printed.stdout(), 'before the failure\n');
  });
});
