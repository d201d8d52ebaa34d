import type { LockfileResult } from '../policy/lockfile.js';
import type { RegistryHostReplacement, SourceFile } from '../policy/types.js';
import type { CommandRunner } from './command.js';

/**
 * What the action asks of a package manager: one object per manager (npm/, and pnpm, yarn, bun to come), listed in
 * PACKAGE_MANAGERS (index.ts). Nothing outside a manager's folder knows its file names, flags or config; the policy
 * engine sees its lockfile only as the neutral model of src/policy/lockfile.ts.
 */
export interface PackageManager {
  /** As Pulumi.yaml's `runtime.options.packagemanager` spells it; also its part of the cache key (`npm10`). */
  name: string;
  /**
   * The lockfile names it reads in a program's folder, preferred first: the first one present is the program's, and
   * tells which manager the program uses. Its text (else package.json's) is what the cache key hashes.
   */
  lockfiles: readonly [string, ...string[]];
  /** The files of a program its install may write and the user commits: a failed run puts them back as they were. */
  writes: readonly string[];
  /** Reads one of its lockfiles into the policy's model, or says why it cannot (a message at a place in the file). */
  readLockfile(file: SourceFile): Promise<LockfileResult>;
  /** Its version on the runner (its major goes into the cache key); '' when unknown. */
  version(context: ManagerContext, cwd: string): Promise<string>;
  /**
   * The environment of its processes: the job's, without the action's inputs; with `auth`, the token and the scoped
   * config that sends it to the routed registry alone. Without `auth` no token reaches the manager.
   */
  environment(base: NodeJS.ProcessEnv, auth: RegistryAuth | undefined): NodeJS.ProcessEnv;
  /** Runs the install command in a program, links, and then the install scripts that waited for the token to go. */
  install(context: ManagerContext, request: InstallRequest): Promise<InstallOutcome>;
  /**
   * Whether a program's installed tree (restored from the cache) is the one its lockfile describes, judged from the
   * manager's own record of what it installed; the install is skipped when it is. Never throws.
   */
  installedTreeIsCurrent(programDir: string, links: string[]): Promise<TreeCheck>;
  links: Linker;
  registry: RegistryConfig;
}

/** What every command of a manager needs: the runner, the environment (with the token when routed), the registry for messages. */
export interface ManagerContext {
  run: CommandRunner;
  env: NodeJS.ProcessEnv;
  registryUrl: string;
}

/** The token and the scoped config file that routes it. */
export interface RegistryAuth {
  token: string;
  configFile: string;
}

export interface InstallRequest {
  /** The program's folder, and its name in messages. */
  dir: string;
  where: string;
  /** The `install-command` input, run as written. */
  commandLine: string;
  links: string[];
  /** Whether install scripts wait until the token is out of the environment ("ignore-scripts"). */
  ignoreScripts: boolean;
}

export interface InstallOutcome {
  /** The program's own lifecycle scripts run after the install, without the token; absent when none waited. */
  scripts?: string[];
}

export interface TreeCheck {
  current: boolean;
  /** Why the tree is not current, for the log. */
  reason?: string;
}

export interface VerifiedLink {
  name: string;
  target: string;
  version: string | undefined;
}

/** The linked packages (`link` input): global links made first, then linked into each program after its install. */
export interface Linker {
  /** The folder where the manager keeps its global links. */
  globalFolder(context: ManagerContext, cwd: string): Promise<string>;
  /** Registers the package in `linkPath` as a global link; returns its name (which must be one of `links`). */
  register(linkPath: string, links: string[], globalFolder: string): Promise<string>;
  /** Fails, before any install, when a package to link has no global link. */
  requireGlobal(links: string[], globalFolder: string): Promise<void>;
  /** Links the packages into a restored tree, where no install ran. */
  intoRestoredTree(context: ManagerContext, programDir: string, where: string, links: string[], globalFolder: string): Promise<void>;
  /** Checks that each linked package in the program is a link to that package. */
  verify(programDir: string, where: string, links: string[]): Promise<VerifiedLink[]>;
}

/** Where the manager resolves the scope, and the config that routes it (and the token) to a registry. */
export interface RegistryConfig {
  /**
   * The registry the manager resolves `scope` from in `programDir` when the action routes nothing (`url`), and how it
   * rewrites a lockfile's resolved URLs before fetching them, routed or not (npm's replace-registry-host).
   */
  configured(scope: string, programDir: string, env: NodeJS.ProcessEnv): Promise<{ url: string; hostReplacement: RegistryHostReplacement }>;
  /** Writes the scoped config in a folder of its own under `runnerTemp`, keeping the user's own settings. */
  writeScoped(request: ScopedConfigRequest): Promise<ScopedConfig>;
  /** Asks the manager, in each program, where the scope and the token would go; throws unless to `registryUrl` alone. */
  checkTokenRouting(context: ManagerContext, programDirs: string[], scope: string, registryUrl: string): Promise<void>;
}

export interface ScopedConfigRequest {
  runnerTemp: string;
  /** The job's environment: where the user's own config is. */
  env: NodeJS.ProcessEnv;
  scope: string;
  registryUrl: string;
  /** Hears of the folder as soon as it exists, so the post step removes it even after a cancelled run. */
  onFolder: (dir: string) => void;
}

export interface ScopedConfig {
  dir: string;
  file: string;
  /** The user's config file whose settings were kept. */
  mergedFrom: string | undefined;
  /** The variables that point this job's later steps at the config. */
  variables: Record<string, string>;
}
