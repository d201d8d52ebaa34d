import { ActionError } from '../../util/errors.js';
import type { ManagerContext } from '../types.js';
import { explainYarnFailure } from './failure.js';

/** One setting as yarn 2+ resolves it in a folder: its value, and where it comes from. */
export interface BerrySetting {
  effective: unknown;
  /**
   * `<default>`, `<environment>`, `<internal>`, or the .yarnrc.yml file that sets it; for a map (npmScopes,
   * networkSettings), every file that sets some of it, comma-separated.
   */
  source: string;
}

/** Every setting yarn 2+ resolves in `dir` (`yarn config --json`): yarn reads its config itself, nothing here guesses. */
export async function berryConfig(context: ManagerContext, dir: string, where: string): Promise<Map<string, BerrySetting>> {
  const result = await context.run('yarn', ['config', '--json'], { cwd: dir, env: context.env, quiet: true });
  if (result.exitCode !== 0) throw explainYarnFailure('yarn config --json', where, result, context.registryUrl);
  const settings = new Map<string, BerrySetting>();
  for (const line of result.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const { key, effective, source } = JSON.parse(line) as { key: string; effective: unknown; source: unknown };
    settings.set(key, { effective, source: String(source) });
  }
  return settings;
}

/** The .yarnrc.yml files a setting comes from (a map's may be several); none for a default or a variable. */
export function sourceFiles(setting: BerrySetting | undefined): string[] {
  return (setting?.source ?? '').split(', ').filter((source) => source !== 'undefined' && !source.startsWith('<'));
}

/**
 * Refuses Yarn Plug'n'Play, which Pulumi does not support: yarn 2+ uses it unless a .yarnrc.yml names another
 * `nodeLinker`.
 */
export function requireNodeModulesLinker(settings: Map<string, BerrySetting>, where: string): void {
  const linker = settings.get('nodeLinker');
  if (linker?.effective !== 'pnp') return;
  const said = sourceFiles(linker)[0];
  const why = said ? `${said} sets "nodeLinker: pnp"` : `no .yarnrc.yml sets "nodeLinker", and yarn's default is Plug'n'Play (pnp)`;
  throw new ActionError(
    `${where} uses Yarn Plug'n'Play: ${why}. Pulumi loads a program's packages from node_modules, ` +
      `which Plug'n'Play does not write. Add "nodeLinker: node-modules" to the .yarnrc.yml beside yarn.lock, and commit it.`,
  );
}
