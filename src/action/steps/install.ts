import * as core from '@actions/core';
import { linkIntoProgram, linkRestoredTree, registerLinkPath, requireGlobalLinks } from '../../package-managers/npm/link.js';
import { runInstallScripts, scriptsWaitForToken, withoutScripts } from '../../package-managers/npm/install-scripts.js';
import { explainNpmFailure, withoutPeerInstall, type NpmContext } from '../../package-managers/npm/npm.js';
import type { ProgramRecord } from '../../report/run-report.js';
import type { Settings } from '../settings.js';
import { logLine } from '../../util/log-text.js';
import { restoredTreeIsCurrent } from './cache.js';

export interface Linking {
  links: string[];
  /** npm's global folder, where the global links live; '' when nothing is linked. */
  globalFolder: string;
}

export interface InstallRequest {
  settings: Settings;
  npm: NpmContext;
  /** The program's folder, and its name in messages. */
  program: { dir: string; name: string };
  linking: Linking;
  /** The restore matched the primary key: the restored tree may be the one the lockfile describes. */
  cacheHit: boolean;
}

/** What the install did in one program, for the report. */
export type InstallRecord = Required<Pick<ProgramRecord, 'installed'>> & Pick<ProgramRecord, 'installSeconds' | 'scripts'>;

/**
 * Makes every linked package available as a global link before any install, so none is fetched from a registry.
 * `globalFolder` is npm's global folder, looked up while the token check ran.
 */
export async function prepareLinks(settings: Settings, links: string[], globalFolder: Promise<string>): Promise<Linking> {
  if (!links.length) return { links, globalFolder: '' };
  return core.group('Link setup', async () => {
    const folder = await globalFolder;
    if (settings.linkPath) {
      const name = await registerLinkPath(settings.linkPath, links, folder);
      core.info(logLine(`Registered ${settings.linkPath} as the global link of "${name}".`));
    }
    await requireGlobalLinks(links, folder);
    return { links, globalFolder: folder };
  });
}

/** Installs (or keeps a verified restored tree), runs the install scripts without the token, and links. */
export async function installProgram({ settings, npm, program, linking, cacheHit }: InstallRequest): Promise<InstallRecord> {
  const { links, globalFolder } = linking;
  const tree = cacheHit ? await restoredTreeIsCurrent(program.dir, links) : undefined;
  if (tree?.current) {
    core.info(`The restored node_modules is the tree package-lock.json describes: skipping "${settings.installCommand}".`);
    // npm would re-read the whole restored tree only to put the same links back.
    await linkRestoredTree(npm, program.dir, program.name, links, globalFolder);
    return { installed: 'skipped (cache hit)' };
  }
  if (tree?.reason) core.info(logLine(`The restored node_modules is not the tree package-lock.json describes (${tree.reason}): installing.`));
  const started = performance.now();
  // While the token is in npm's environment, no package's install script runs (unless the user opts out).
  const scriptsWait = scriptsWaitForToken(settings.ignoreScripts, npm.env);
  const npmEnv = scriptsWait ? withoutScripts(npm.env) : npm.env;
  const installEnv = links.length ? withoutPeerInstall(npmEnv) : npmEnv;
  const result = await npm.run(settings.installCommand, [], { cwd: program.dir, env: installEnv });
  if (result.exitCode !== 0) throw explainNpmFailure(settings.installCommand, program.name, result, npm.registryUrl);
  await linkIntoProgram({ ...npm, env: npmEnv }, program.dir, program.name, links);
  const scripts = scriptsWait ? await runInstallScripts(npm, program.dir, program.name) : undefined;
  return { installed: 'ran', installSeconds: (performance.now() - started) / 1000, ...(scripts ? { scripts } : {}) };
}
