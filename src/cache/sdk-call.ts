/** One line for the job log about the cache; a fault is a warning or a notice, never a failure. */
export interface CacheMessage {
  level: 'warning' | 'notice' | 'info';
  text: string;
}

/** A line the SDK printed during the call: an annotation it raised, a debug line, or plain output. */
export interface SdkLine {
  level: 'error' | 'warning' | 'notice' | 'info' | 'debug';
  text: string;
}

export type SdkOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

const ANNOTATION = /^::(error|warning|notice)(?: [^:]*)?::(.*?)(\r?\n)?$/;
const DEBUG = /^::debug::(.*?)\r?\n?$/;

/**
 * Runs one `@actions/cache` call
 * - in GITHUB_WORKSPACE: the SDK globs relative paths from process.cwd() but runs tar in GITHUB_WORKSPACE, and
 *   both must agree;
 * - with the annotations it raises turned into debug lines and handed back, so that a fault becomes one message of
 *   ours rather than the SDK's own warnings and error annotations (it raises an error for a 5xx).
 * Nothing else may write annotations while it runs; the action's main step does one thing at a time.
 */
export async function callCacheSdk<T>(call: () => Promise<T>): Promise<{ outcome: SdkOutcome<T>; lines: SdkLine[] }> {
  const lines: SdkLine[] = [];
  const originalCwd = process.cwd();
  const stopIntercepting = interceptStdout((text) => reroute(text, lines));
  try {
    process.chdir(process.env.GITHUB_WORKSPACE || originalCwd);
    return { outcome: { ok: true, value: await call() }, lines };
  } catch (error) {
    return { outcome: { ok: false, error }, lines };
  } finally {
    stopIntercepting();
    process.chdir(originalCwd);
  }
}

/** Passes everything written to process.stdout through `rewrite` until the returned function is called. */
export function interceptStdout(rewrite: (text: string) => string): () => void {
  const original = process.stdout.write;
  const write = original.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return Reflect.apply(write, process.stdout, [rewrite(text), ...rest]);
  }) as typeof process.stdout.write;
  return () => {
    process.stdout.write = original;
  };
}

/** The first problem the call reported (an annotation, or a thrown error), as one line. */
export function firstProblem(outcome: SdkOutcome<unknown>, lines: SdkLine[]): string | undefined {
  const raised = lines.find((line) => line.level !== 'info' && line.level !== 'debug')?.text;
  const thrown = outcome.ok ? undefined : outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
  const problem = raised ?? thrown;
  return problem?.split(/\r?\n/)[0]?.replace(/^Failed to (restore|save): /, '');
}

function reroute(text: string, lines: SdkLine[]): string {
  return text
    .split(/(?<=\n)/)
    .map((line) => {
      const annotation = ANNOTATION.exec(line);
      if (annotation) {
        const [, level = 'warning', data = '', eol = ''] = annotation;
        lines.push({ level: level as SdkLine['level'], text: unescapeCommandData(data) });
        return `::debug::${data}${eol}`;
      }
      const debug = DEBUG.exec(line);
      if (debug) lines.push({ level: 'debug', text: unescapeCommandData(debug[1] ?? '') });
      else if (line.trim() && !line.startsWith('::')) lines.push({ level: 'info', text: line.trimEnd() });
      return line;
    })
    .join('');
}

/** Undoes @actions/core's escaping of command data. */
function unescapeCommandData(data: string): string {
  return data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}
