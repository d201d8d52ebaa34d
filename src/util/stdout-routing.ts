import { AsyncLocalStorage } from 'node:async_hooks';

/** Where a piece of work's standard output goes; `onward` is where it would have gone without this routing. */
export type StdoutSink = (text: string, onward: (text: string) => void) => void;

/**
 * The sink of the work running now, by async context: the restore writes its log while the policy check writes its
 * own, and each must reach its own place. Writes outside any routed work go to the real stdout untouched.
 */
const routes = new AsyncLocalStorage<(text: string) => void>();
let routedWorks = 0;
let unrouted: typeof process.stdout.write | undefined;

/**
 * Runs `work` with every write to process.stdout made from its async context (its own calls, its timers, its
 * child processes' output that @actions/exec copies) passed to `sink` instead. Work running meanwhile outside that
 * context writes as usual. Routings nest: a sink's `onward` is the enclosing one's.
 */
export async function routeStdout<T>(sink: StdoutSink, work: () => Promise<T>): Promise<T> {
  const onward = routes.getStore() ?? writeUnrouted;
  if (routedWorks++ === 0) installRouter();
  try {
    return await routes.run((text) => sink(text, onward), work);
  } finally {
    if (--routedWorks === 0) uninstallRouter();
  }
}

/** Work whose standard output was held back: `release` prints it, then gives the work's value or throws its error. */
export interface HeldOutput<T> {
  release(): T;
}

/**
 * Runs `work` with its standard output held back until the caller releases it, so that work running beside other
 * work prints its log in one piece, at a point of the caller's choosing (never inside another step's group).
 */
export async function holdStdout<T>(work: () => Promise<T>): Promise<HeldOutput<T>> {
  let output = '';
  const outcome = await routeStdout(
    (text) => (output += text),
    () =>
      work().then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
  );
  return {
    release: () => {
      if (output) process.stdout.write(output);
      if (!outcome.ok) throw outcome.error;
      return outcome.value;
    },
  };
}

function writeUnrouted(text: string): void {
  Reflect.apply(unrouted ?? process.stdout.write, process.stdout, [text]);
}

function installRouter(): void {
  const original = process.stdout.write;
  unrouted = original;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const route = routes.getStore();
    if (!route) return Reflect.apply(original, process.stdout, [chunk, ...rest]) as boolean;
    route(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const done = rest.find((arg): arg is () => void => typeof arg === 'function');
    if (done) process.nextTick(done);
    return true;
  }) as typeof process.stdout.write;
}

function uninstallRouter(): void {
  if (unrouted) process.stdout.write = unrouted;
  unrouted = undefined;
}
