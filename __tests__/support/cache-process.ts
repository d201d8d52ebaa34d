import type { TestContext } from 'node:test';

/** Sets environment variables for one test (undefined removes one) and puts the previous values back after it. */
export function setTestEnv(t: TestContext, vars: Record<string, string | undefined>): void {
  const previous = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(vars);
  t.after(() => apply(previous));
}
