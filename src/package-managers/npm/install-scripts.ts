import { ActionError } from '../../util/errors.js';
import type { ManagerContext } from '../types.js';
import { TOKEN_VARIABLE } from './npmrc.js';
import { readPackageManifest } from '../../util/files.js';

/** The program's own scripts `npm install` and `npm ci` run, in npm's order. */
const ROOT_LIFECYCLE = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'] as const;
/** Those `npm rebuild` runs itself, for the program as for every dependency; the rest are run one by one. */
const RUN_BY_REBUILD = new Set<string>(['preinstall', 'install', 'postinstall']);
const AFTER_THE_INSTALL = 'It ran after the install, without the token: if it must reach the registry, set "ignore-scripts: false".';

/**
 * Whether the install's scripts wait until the token is gone: with "ignore-scripts" (the default), when npm's
 * environment holds the token. With nothing routed there is no token to keep from them, and npm runs them in the
 * install, as a plain `npm install` does, rather than again in a second pass over the whole tree.
 */
export function scriptsWaitForToken(ignoreScripts: boolean, env: NodeJS.ProcessEnv): boolean {
  return ignoreScripts && env[TOKEN_VARIABLE] !== undefined;
}

/** The environment for the install itself when scripts wait: npm runs no package's scripts while the token is there. */
export function withoutScripts(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, npm_config_ignore_scripts: 'true' };
}

/** The environment of an npm command that may run scripts: no token (npm leaves the config's placeholder unexpanded). */
export function withoutToken(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { [TOKEN_VARIABLE]: _token, ...rest } = env;
  return rest;
}

/** The environment the scripts run in: no token, scripts allowed again. */
export function scriptEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { npm_config_ignore_scripts: _ignore, ...rest } = withoutToken(env);
  return rest;
}

/** The program's own lifecycle scripts that npm would have run during the install, from its package.json. */
async function rootLifecycleScripts(programDir: string): Promise<string[]> {
  const scripts = (await readPackageManifest(programDir))?.['scripts'];
  if (typeof scripts !== 'object' || scripts === null) return [];
  return ROOT_LIFECYCLE.filter((name) => typeof (scripts as Record<string, unknown>)[name] === 'string');
}

/**
 * Runs, without the token, what the install skipped: every package's install scripts and bin links, the program's
 * own included (`npm rebuild`), then the program's prepare scripts, each on its own (so npm does not add pre/post
 * twice). Returns the program's own scripts that ran.
 */
export async function runInstallScripts(npm: ManagerContext, programDir: string, where: string): Promise<string[]> {
  const env = scriptEnvironment(npm.env);
  const rebuild = await npm.run('npm', ['rebuild'], { cwd: programDir, env });
  if (rebuild.exitCode !== 0) {
    throw new ActionError(
      `An install script failed in "npm rebuild" in ${where} (exit code ${rebuild.exitCode}); its output is in the log above. ${AFTER_THE_INSTALL}`,
    );
  }
  const scripts = await rootLifecycleScripts(programDir);
  for (const name of scripts.filter((script) => !RUN_BY_REBUILD.has(script))) {
    const result = await npm.run('npm', ['run', name, '--ignore-scripts'], { cwd: programDir, env });
    if (result.exitCode !== 0) {
      throw new ActionError(`The "${name}" script of ${where} failed (exit code ${result.exitCode}); its output is in the log above. ${AFTER_THE_INSTALL}`);
    }
  }
  return scripts;
}
