import { AsyncLocalStorage } from 'node:async_hooks';

/** The folder process.cwd() answers with in the work running now, by async context. */
const folders = new AsyncLocalStorage<string>();
let scopedWorks = 0;
let realCwd: typeof process.cwd | undefined;

/**
 * Runs `work` with process.cwd() answering `folder` from its async context (its own calls, its timers, its callbacks),
 * for a library that resolves relative paths from process.cwd(). The process's working directory never changes:
 * work running meanwhile outside that context, and every child process, still sees the real one. As a change of
 * directory would not, it leaves the file system calls that take relative paths to the real working directory.
 */
export async function withCwd<T>(folder: string, work: () => Promise<T>): Promise<T> {
  if (scopedWorks++ === 0) {
    const real = process.cwd;
    realCwd = real;
    process.cwd = () => folders.getStore() ?? Reflect.apply(real, process, []);
  }
  try {
    return await folders.run(folder, work);
  } finally {
    if (--scopedWorks === 0 && realCwd) {
      process.cwd = realCwd;
      realCwd = undefined;
    }
  }
}
