import { core } from '../toolkit.js';
import { isPackageName } from '../../util/package-name.js';
import { logLine } from '../../util/log-text.js';
import type { ManagerContext, PackageManager, RunnerNetwork, ScopedConfig } from '../../package-managers/index.js';
import type { CheckedInput } from './policy.js';
import { checkToken, type RegistryIdentity } from '../../token/check.js';
import type { Settings } from '../settings.js';
import { plural } from '../../util/text.js';
import { saveConfigDir } from '../state.js';

/** Writes the scoped config and points this and later steps' package manager at it; post removes it. */
export function configureManager(settings: Settings, manager: PackageManager, registryUrl: string, env: NodeJS.ProcessEnv): Promise<ScopedConfig> {
  return core.group(`${manager.name} config`, async () => {
    const written = await manager.registry.writeScoped({ runnerTemp: settings.runnerTemp, env, scope: settings.scope, registryUrl, onFolder: saveConfigDir });
    for (const [name, value] of Object.entries(written.variables)) core.exportVariable(name, value);
    core.info(`Wrote ${written.file}: ${settings.scope} → ${registryUrl}${written.mergedFrom ? `, keeping the settings of ${written.mergedFrom}` : ''}.`);
    return written;
  });
}

/** The runner's own network settings, and the line that says the check passed. */
export interface RoutingCheck {
  network: RunnerNetwork;
  line: string;
}

/**
 * Asks the manager, in each program, whether the repository's config would take the install around the credential
 * proxy or the scope to another registry; rejects naming the setting and file. Prints nothing itself (it runs beside
 * the token check and the restore): resolves to its log line.
 */
export async function checkRouting(
  settings: Settings,
  manager: PackageManager,
  context: ManagerContext,
  registryUrl: string,
  programs: CheckedInput[],
): Promise<RoutingCheck> {
  const network = await manager.registry.checkProxyRouting(
    context,
    programs.map((program) => program.dir),
    settings.scope,
    registryUrl,
  );
  const where = plural(programs.length, 'program');
  return { network, line: `${manager.name} installs ${settings.scope} from ${registryUrl} through the action's credential proxy, in ${where}.` };
}

/** Proves the token before any install: who it belongs to, and that it may read the programs' scope packages. */
export function verifyToken(settings: Settings, registryUrl: string, programs: CheckedInput[]): Promise<RegistryIdentity> {
  return core.group('Token check', async () => {
    const identity = await checkToken(registryUrl, settings.token, firstScopePackage(programs, settings.scope), { log: core.info });
    const user = identity.username ? ` as user "${identity.username}"` : '';
    const access = identity.checkedPackage ? ` and grants read access to ${identity.checkedPackage}` : '';
    core.info(logLine(`The registry knows the token${user}${access}.`));
    return identity;
  });
}

/**
 * The first scope package any program lists: reading it proves the token's access, not just its validity. Only a
 * name npm accepts: `@pulumi/x/../..` would send the token to other paths of the registry.
 */
export function firstScopePackage(programs: CheckedInput[], scope: string): string | undefined {
  for (const program of programs) {
    try {
      const manifest = JSON.parse(program.packageJson.text) as Record<string, unknown>;
      const dependencies = manifest['dependencies'];
      const names = dependencies && typeof dependencies === 'object' ? Object.keys(dependencies) : [];
      const name = names.find((candidate) => candidate.startsWith(`${scope}/`) && isPackageName(candidate));
      if (name) return name;
    } catch {
      // A malformed package.json was reported by the policy check; there is nothing to read here.
    }
  }
  return undefined;
}
