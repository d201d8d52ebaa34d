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
  name: ManagerName;
  /** Where its command line comes from when the runner lacks it, and the setup step to name when it cannot be had. */
  distribution: Distribution;
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
   * The environment of its processes: the job's, without the action's inputs or the token, ever. With `access`, it
   * reaches the routed registry through the credential proxy: its ordinary proxy settings name the proxy (outranking
   * a project's config), it trusts the proxy's authority beside the roots it already trusts, and it reads the action's
   * install config (the scope routed, no auth line).
   */
  environment(base: NodeJS.ProcessEnv, access: ProxyAccess | undefined): NodeJS.ProcessEnv;
  /** The command line its own install runs in a program (frozen where the program has a lockfile), for the log. */
  ownInstall(programDir: string): string;
  /** Runs the install command in a program (its install scripts included, unless `ignoreScripts`), then links. */
  install(context: ManagerContext, request: InstallRequest): Promise<void>;
  /**
   * Whether a program's installed tree (restored from the cache) is the one its lockfile describes, judged from the
   * manager's own record of what it installed; the install is skipped when it is. Never throws.
   */
  installedTreeIsCurrent(programDir: string, links: string[]): Promise<TreeCheck>;
  links: Linker;
  registry: RegistryConfig;
}

/** The package managers Pulumi's Node.js language host supports, as `runtime.options.packagemanager` spells them. */
export type ManagerName = 'npm' | 'pnpm' | 'yarn' | 'bun';

/** How the action gets a manager the runner lacks: npm installs its command line into the runner's tool cache. */
export interface Distribution {
  /** The npm package that holds its command line at `major` (yarn 1 is `yarn`, yarn 2+ is `@yarnpkg/cli-dist`). */
  npmPackage(major: number): string;
  /** The major installed when nothing names a version (the `packageManager` field) and the lockfile does not tell. */
  currentMajor: number;
  /** The major a lockfile of its own needs, where the format tells (yarn 1's yarn.lock has no `__metadata`: 1; else 2+). */
  lockfileMajor?(lockfileText: string): number | undefined;
  /** The step a workflow adds to set it up itself (pnpm/action-setup, oven-sh/setup-bun, `corepack enable`). */
  setupStep: string;
}

/** What every command of a manager needs: the runner, the environment (never with the token), the registry for messages. */
export interface ManagerContext {
  run: CommandRunner;
  env: NodeJS.ProcessEnv;
  registryUrl: string;
}

/** How a manager's processes reach the routed registry while the credential proxy runs. Holds no token. */
export interface ProxyAccess {
  /** `http://127.0.0.1:<port>`. */
  proxyUrl: string;
  /** The action's install config: the scope routed to the registry, no auth line. */
  configFile: string;
  /** For an https registry: the roots the manager already trusts plus the proxy's authority. */
  certificates?: ProxyCertificates;
}

export interface ProxyCertificates {
  /** NODE_EXTRA_CA_CERTS's file for the manager: the runner's own extra certificates and the proxy's authority. */
  extraCaFile: string;
  /** When the manager had a CA file of its own (which replaces Node's roots): its content plus the proxy's authority. */
  caFile?: string;
}

/** The runner's own network as the manager's user and global config and variables set it: the credential proxy honours it. */
export interface RunnerNetwork {
  httpsProxy?: string;
  httpProxy?: string;
  /** Hosts reached directly, comma-separated (NO_PROXY's syntax). */
  noProxy?: string;
  /** A CA file that replaces Node's roots for the manager (npm's `cafile`). */
  caFile?: string;
}

export interface InstallRequest {
  /** The program's folder, and its name in messages. */
  dir: string;
  where: string;
  /**
   * The `install-command` input, run as written; undefined: the manager's own install, frozen when the program has a
   * lockfile (which stays byte-identical), and no other manager's lockfile appears beside it.
   */
  commandLine: string | undefined;
  links: string[];
  /** Run no install scripts at all ("ignore-scripts"). */
  ignoreScripts: boolean;
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

/** Where the manager resolves the scope, and the config that routes it to a registry. */
export interface RegistryConfig {
  /**
   * The registry the manager resolves `scope` from in `programDir` when the action routes nothing (`url`), and how it
   * rewrites a lockfile's resolved URLs before fetching them, routed or not (npm's replace-registry-host).
   * `declaredVersion`: the version a `packageManager` field names (detect.ts' choice), which outranks what the
   * lockfile's format suggests (yarn 3 may install from a yarn 1 lockfile, and reads another config).
   */
  configured(
    scope: string,
    programDir: string,
    env: NodeJS.ProcessEnv,
    declaredVersion?: string,
  ): Promise<{ url: string; hostReplacement: RegistryHostReplacement }>;
  /** Writes the scoped configs in a folder of its own under `runnerTemp`, keeping the user's own settings. */
  writeScoped(request: ScopedConfigRequest): Promise<ScopedConfig>;
  /**
   * Asks the manager, in each program, whether the repository's config would take the install around the credential
   * proxy (another proxy, its own certificate roots, the certificate check off) or the scope to another registry;
   * throws naming the setting and the file. Returns the runner's own network settings.
   */
  checkProxyRouting(context: ManagerContext, programDirs: string[], scope: string, registryUrl: string): Promise<RunnerNetwork>;
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
  /** For later steps (the `npmrc` output): the scope routed, and the token read from a variable a later step sets. */
  file: string;
  /** For the action's own installs, which go through the credential proxy: the scope routed, no auth line. */
  installFile: string;
  /** The user's config file whose settings were kept. */
  mergedFrom: string | undefined;
  /** The variables that point this job's later steps at the config. */
  variables: Record<string, string>;
}
