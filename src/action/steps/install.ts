import { core } from '../toolkit.js';
import type { ManagerContext, PackageManager } from '../../package-managers/index.js';
import type { ProgramRecord } from '../../report/run-report.js';
import type { Settings } from '../settings.js';
import { logLine } from '../../util/log-text.js';

export interface Linking {
  links: string[];
  /** The manager's global folder, where the global links live; '' when nothing is linked. */
  globalFolder: string;
}

export interface InstallRequest {
  settings: Settings;
  manager: PackageManager;
  context: ManagerContext;
  /** Where the install runs (a program's folder, or the workspace root serving programs), and its name in messages. */
  folder: { dir: string; name: string };
  linking: Linking;
  /** The restore matched the primary key: the restored tree may be the one the lockfile describes. */
  cacheHit: boolean;
}

/** What the install did in one program, for the report. */
export type InstallRecord = Required<Pick<ProgramRecord, 'installed'>> & Pick<ProgramRecord, 'installSeconds'>;

/**
 * Makes every linked package available as a global link before any install, so none is fetched from a registry.
 * `globalFolder` is the manager's global folder, looked up while the token check ran.
 */
export async function prepareLinks(settings: Settings, manager: PackageManager, links: string[], globalFolder: Promise<string>): Promise<Linking> {
  if (!links.length) return { links, globalFolder: '' };
  return core.group('Link setup', async () => {
    const folder = await globalFolder;
    if (settings.linkPath) {
      const name = await manager.links.register(settings.linkPath, links, folder);
      core.info(logLine(`Registered ${settings.linkPath} as the global link of "${name}".`));
    }
    await manager.links.requireGlobal(links, folder);
    return { links, globalFolder: folder };
  });
}

/** Installs in one folder (or keeps a verified restored tree), and links. */
export async function installAt({ settings, manager, context, folder, linking, cacheHit }: InstallRequest): Promise<InstallRecord> {
  const { links, globalFolder } = linking;
  const tree = cacheHit ? await manager.installedTreeIsCurrent(folder.dir, links) : undefined;
  if (tree?.current) {
    core.info(
      `The restored node_modules is the tree ${manager.name} last installed from this lockfile: skipping ${installName(settings, manager, folder.dir)}.`,
    );
    // The manager would re-read the whole restored tree only to put the same links back.
    await manager.links.intoRestoredTree(context, folder.dir, folder.name, links, globalFolder);
    return { installed: 'skipped (cache hit)' };
  }
  if (tree?.reason) core.info(logLine(`The restored node_modules is not the tree ${manager.name} would install now (${tree.reason}): installing.`));
  const started = performance.now();
  await manager.install(context, {
    dir: folder.dir,
    where: folder.name,
    commandLine: settings.installCommand,
    links,
    ignoreScripts: settings.ignoreScripts,
  });
  return { installed: 'ran', installSeconds: (performance.now() - started) / 1000 };
}

/** The install as the log names it: the input's command, else the manager's own in `dir`. */
function installName(settings: Settings, manager: PackageManager, dir: string): string {
  return `"${settings.installCommand ?? manager.ownInstall(dir)}"`;
}
