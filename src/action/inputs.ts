import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ActionError } from '../util/errors.js';

/** An input as the runner passed it; undefined when it passed nothing at all, not even an empty value. */
export type InputReader = (name: string) => string | undefined;

/**
 * The action's own action.yml, at the repository's root: one folder up from the bundle (dist/*.js), two from this
 * source file under tsx (src/action/).
 */
const thisFile = fileURLToPath(import.meta.url);
// The path, not the URL: a loader may add a query to the URL (tsx under @github/local-action does).
export const ACTION_YML = path.join(path.dirname(thisFile), ...(thisFile.endsWith('.ts') ? ['..', '..'] : ['..']), 'action.yml');

/** The step's inputs as the runner passes them: INPUT_<NAME>, upper case, spaces as "_", hyphens kept. */
export function environmentInputs(env: NodeJS.ProcessEnv): InputReader {
  return (name) => env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
}

/**
 * The defaults action.yml declares for `names`. GitHub's runner passes every input, defaults included; act,
 * Gitea/Forgejo Actions and @github/local-action may leave some out. Only then is action.yml read, and the YAML parser
 * loaded.
 */
export async function actionDefaults(names: string[], file = ACTION_YML): Promise<Map<string, string>> {
  const wanted = names.map((name) => `"${name}"`).join(', ');
  let inputs: Record<string, { default?: unknown } | null> | undefined;
  try {
    const { parse } = await import('yaml');
    inputs = (parse(await readFile(file, 'utf8')) as { inputs?: typeof inputs } | null)?.inputs;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ActionError(
      `The runner did not pass the input(s) ${wanted}, and the action's ${file} could not be read for their defaults (${reason}): pass them in "with:".`,
    );
  }
  const defaults = new Map<string, string>();
  for (const name of names) {
    const declared = inputs?.[name];
    if (declared === undefined) throw new ActionError(`The action's ${file} declares no input "${name}": it does not belong to this version of the action.`);
    defaults.set(name, declared?.default === undefined || declared.default === null ? '' : String(declared.default));
  }
  return defaults;
}
