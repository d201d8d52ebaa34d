import * as core from '@actions/core';
import { ActionError } from '../errors.js';
import { linkIntoProgram, linkRestoredTree, registerLinkPath, requireGlobalLinks, verifyLinks, type LinkContext } from '../link.js';
import { runInstallScripts, withoutScripts } from '../install-scripts.js';
import { explainNpmFailure, withoutPeerInstall } from '../npm.js';
import { totals, type PolicyOptions } from '../policy/index.js';
import type { ProgramRecord } from '../reporting.js';
import type { Settings } from '../settings.js';
import { restoredTreeIsCurrent } from './cache.js';
import { checkInstalledProgram } from './policy.js';

export interface Linking {
  links: string[];
  /** npm's global folder, where the global links live; '' when nothing is linked. */
  globalFolder: string;
}

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
      core.info(`Registered ${settings.linkPath} as the global link of "${name}".`);
    }
    await requireGlobalLinks(links, folder);
    return { links, globalFolder: folder };
  });
}

/** Install (or keep a verified restored tree), link, verify the links, check the installed tree. */
export async function installProgram(
  settings: Settings,
  context: LinkContext,
  program: ProgramRecord,
  packageJsonText: string,
  linking: Linking,
  options: PolicyOptions,
  cacheHit: boolean,
): Promise<void> {
  const { links, globalFolder } = linking;
  const where = program.name;
  const tree = cacheHit ? await restoredTreeIsCurrent(program.dir, links) : undefined;
  if (tree?.current) {
    core.info(`The restored node_modules is the tree package-lock.json describes: skipping "${settings.installCommand}".`);
    program.installed = 'skipped (cache hit)';
    // npm would re-read the whole restored tree only to put the same links back.
    await linkRestoredTree(context, program.dir, where, links, globalFolder);
  } else {
    if (tree?.reason) core.info(`The restored node_modules is not the tree package-lock.json describes (${tree.reason}): installing.`);
    const started = performance.now();
    // While the token is in npm's environment, no package's install script runs (unless the user opts out).
    const npmEnv = settings.ignoreScripts ? withoutScripts(context.env) : context.env;
    const installEnv = links.length ? withoutPeerInstall(npmEnv) : npmEnv;
    const result = await context.run(settings.installCommand, [], { cwd: program.dir, env: installEnv });
    if (result.exitCode !== 0) throw explainNpmFailure(settings.installCommand, where, result, settings.registryUrl);
    await linkIntoProgram({ ...context, env: npmEnv }, program.dir, where, links);
    if (settings.ignoreScripts) program.scripts = await runInstallScripts(context, program.dir, where, packageJsonText);
    program.installed = 'ran';
    program.installSeconds = (performance.now() - started) / 1000;
  }
  program.links = await verifyLinks(program.dir, where, links);
  const treeErrors = totals(await checkInstalledProgram(settings, program, options)).errors;
  if (treeErrors > 0 && settings.policy === 'error') {
    throw new ActionError(
      `The installed tree of ${where} breaks the dependency policy (${treeErrors} error${treeErrors === 1 ? '' : 's'}): see the annotations.`,
    );
  }
}
