import type { TestContext } from 'node:test';

const V8_SERIALIZATION_HEADER = 0xff;

/** What in-process code wrote during one test. */
export interface CapturedOutput {
  stdout(): string;
  stderr(): string;
}

/**
 * Keeps what in-process code writes during one test out of the test run's output: @actions/core prints workflow
 * commands (`::debug::`, `::add-mask::`, `::warning::`) to stdout, and @actions/exec copies its tools' output to
 * stdout and stderr. A test process on GitHub that printed them would raise annotations on this repository's runs.
 * Node's test runner reports from a test file's process to the main one on the same stdout, in chunks of V8's
 * serialization format: those start with its header byte 0xFF, which no UTF-8 text holds, and go through.
 */
export function captureOutput(t: TestContext): CapturedOutput {
  const stdout = divert(process.stdout, (chunk) => typeof chunk === 'string' || chunk[0] !== V8_SERIALIZATION_HEADER);
  const stderr = divert(process.stderr, () => true);
  t.after(() => {
    stdout.stop();
    stderr.stop();
  });
  return { stdout: stdout.text, stderr: stderr.text };
}

function divert(stream: NodeJS.WriteStream, takes: (chunk: string | Uint8Array) => boolean): { text(): string; stop(): void } {
  const original = stream.write;
  const chunks: string[] = [];
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (!takes(chunk)) return Reflect.apply(original, stream, [chunk, ...rest]) as boolean;
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const done = rest.find((arg): arg is () => void => typeof arg === 'function');
    if (done) process.nextTick(done);
    return true;
  }) as typeof stream.write;
  return {
    text: () => chunks.join(''),
    stop: () => {
      stream.write = original;
    },
  };
}
