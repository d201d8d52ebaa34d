import * as path from 'node:path';
import { core } from './toolkit.js';
import { ActionError } from '../util/errors.js';
import { ACTION_YML, environmentInputs } from './inputs.js';
import { runCommand } from '../package-managers/command.js';
import {
  managerNamed,
  type ManagerContext,
  type ManagerName,
  type PackageManager,
  type ProxyAccess,
  type RunnerNetwork,
  type ScopedConfig,
} from '../package-managers/index.js';
import type { CachedInstall } from '../cache/index.js';
import { managerReason, managerRecord } from '../report/package-manager.js';
import { presetReason } from '../report/preset-reason.js';
import { managersOf, readyManagers, type ReadyManagers } from './steps/managers.js';
import { programPresetRecord } from './steps/preset.js';
import { totals, type PolicyOptions } from '../policy/index.js';
import { readEventPayload, untrustedRun, untrustedRunMessage, type UntrustedRun } from '../token/trust.js';
import { allFindings, type ProgramRecord, type RunRecord } from '../report/run-report.js';
import { writeJsonReport } from '../report/json-report.js';
import { summaryMarkdown } from '../report/summary.js';
import { OUTPUTS } from './names.js';
import { readSettings, type Settings } from './settings.js';
import { phaseTimer, type PhaseTimer } from './phases.js';
import { markMainStarted, markMainSucceeded, saveSnapshotDir } from './state.js';
import { takeToken, type Token } from '../token/handoff.js';
import { snapshotUserFiles } from './user-files.js';
import { logLine, redactUrlCredentials } from '../util/log-text.js';
import { plural } from '../util/text.js';
import { folderName } from '../util/folder-name.js';
import { programFolders, selectionLog, selectionRecord } from '../programs/outcome.js';
import { writeSarifLog } from '../report/sarif.js';
import { restoreStep, saveStep, type RestoredCache } from './steps/cache.js';
import { holdStdout, type HeldOutput } from '../util/stdout-routing.js';
import { fixSummary } from '../report/fix-summary.js';
import { bundledVersion, releasedCliVersion } from '../report/published-cli.js';
import { installAt, prepareLinks, type InstallRequest, type Linking } from './steps/install.js';
import { installFiles, installRootsOf, type InstallRoot } from './steps/install-roots.js';
import { checkInstalledProgram, checkPrograms, readPolicy, type CheckedInput } from './steps/policy.js';
import { checkRouting, configureManager, verifyToken } from './steps/routing.js';

/** One working directory: its files as the policy check read them, and what the run found and did there. */
interface Program {
  input: CheckedInput;
  record: ProgramRecord;
}

/** The main step: settings, policy, package manager config, token check, cache, install and link, report. Fails the job once. */
export async function runMain(env: NodeJS.ProcessEnv = process.env, handed?: Promise<Token>): Promise<void> {
  markMainStarted();
  let settings: Settings;
  let settingsStart: number;
  try {
    // Before anything else runs: afterwards no process's environment holds the token (the first image is replaced).
    // The entry (index.ts) takes it before it loads this module; a direct caller has it taken here.
    const token = await (handed ?? takeToken(env));
    // Mask the token before anything can print it, even an error about another input.
    if (token.value) core.setSecret(token.value);
    const inputs = environmentInputs(env);
    settingsStart = performance.now();
    settings = await readSettings((name) => (name === 'pulumi-access-token' ? '' : inputs(name)), env, ACTION_YML, token);
  } catch (error) {
    core.setOutput(OUTPUTS.violations, '0');
    core.setOutput(OUTPUTS.cacheHit, 'false');
    // No program was found: a fan-out job guarded by `programs != '[]'` does not start.
    core.setOutput(OUTPUTS.programs, '[]');
    core.setFailed(failureLine(error));
    return;
  }
  const record = newRecord(settings);
  // Node.js, the bundle and the settings: everything before the first phase (after the token hand-off's restart).
  record.phases.push({ name: 'Start-up', startSeconds: 0, seconds: Math.round(performance.now()) / 1000 });
  // Within the start-up: the settings, with the search of `auto` and globs and git's answer for changed-since.
  if (settings.selection.searches.length || settings.selection.changedSince !== undefined) {
    record.phases.push({
      name: 'Settings: find programs',
      startSeconds: Math.round(settingsStart) / 1000,
      seconds: Math.round(performance.now() - settingsStart) / 1000,
    });
  }
  try {
    await mainSteps(settings, record, env);
  } catch (error) {
    record.failure = failureLine(error);
    debugUnexpected(error);
  }
  await finish(settings, record, env);
}

/** The restore, started beside the policy check: its log is held until the run gets to it, and a failure stops it. */
interface BackgroundRestore {
  held: Promise<HeldOutput<RestoredCache | undefined>>;
  stop: AbortController;
}

/** The restore still running beside the run: a failure stops it; the run takes it (and prints its log) when it needs it. */
interface Background {
  restore?: BackgroundRestore | undefined;
}

/** Runs the steps in order, putting what each returns into `record` as it goes, so a failure keeps what came before. */
async function mainSteps(settings: Settings, record: RunRecord, env: NodeJS.ProcessEnv): Promise<void> {
  const background: Background = {};
  try {
    await runSteps(settings, record, env, background);
  } catch (error) {
    await stopRestore(background.restore);
    throw error;
  }
}

/**
 * After a failure: stops a download still under way and waits for it to end. What the stopped restore said is not
 * printed: the run's failure is the one thing to read, and a restore cut short restored nothing.
 */
async function stopRestore(restore: BackgroundRestore | undefined): Promise<void> {
  if (!restore) return;
  restore.stop.abort();
  await restore.held;
}

async function runSteps(settings: Settings, record: RunRecord, env: NodeJS.ProcessEnv, background: Background): Promise<void> {
  for (const warning of settings.warnings) core.warning(warning);
  for (const line of selectionLog(settings.selection, settings.workingDirectories, settings.workspace)) core.info(logLine(line));
  if (settings.workingDirectories.length === 0) {
    core.info(`No program changed since ${settings.selection.changedSince}: nothing to check or install.`);
    return;
  }
  const time = phaseTimer(record.phases);
  const untrusted = settings.install ? untrustedRun(env['GITHUB_EVENT_NAME'], await readEventPayload(env['GITHUB_EVENT_PATH'])) : undefined;
  const { options, programs, routedRegistry, blocker, choices, ready, installRoots } = await time('Dependency policy', () =>
    core.group('Dependency policy', async () => {
      const policy = await readPolicy(settings, env);
      const { config, links, registryUrl } = policy.options;
      // Here, not in readPolicy: the job summary's fixes read the policy again, and the log says it once.
      core.info(logLine(`Preset: ${config.preset} (${presetReason(config)}).`));
      const preset = { name: config.preset, origin: config.presetOrigin, ...(config.presetEvidence !== undefined && { evidence: config.presetEvidence }) };
      const registry = { url: registryUrl, routed: policy.routedRegistry !== undefined };
      record.settings = { ...record.settings, policyFile: policy.file?.path, preset, registry, links };
      const blocker = installBlocker(settings, policy.routedRegistry, untrusted);
      // A manager the runner lacks is installed into the tool cache, and the restore (which needs only the policy's
      // options, each program's package.json and lockfile, and the managers' versions) downloads and extracts, while
      // the programs are checked.
      const ready =
        settings.install && !blocker
          ? readyManagers(settings, policy.choices, env, (manager, runEnv) => managerContext(manager, runEnv, registryUrl))
          : undefined;
      ready?.catch(() => {}); // awaited before any install
      // Where each program is installed (its workspace root's, or its own folder), from files alone: the restore plans
      // its paths and key from it, and the installs follow it.
      const installRoots =
        ready &&
        installRootsOf(
          settings.workingDirectories.map((dir) => dir.path),
          policy.choices,
          settings.workspace,
        );
      installRoots?.catch(() => {}); // awaited before any install
      if (ready && installRoots) background.restore = restoreInBackground(settings, installRoots, ready, policy.options, time);
      const programs = (await checkPrograms(settings, policy)).map(({ input, policy: report }, index): Program => {
        const program = {
          ...programRecord(settings, input.dir),
          preset: programPresetRecord(config),
          packageManager: managerRecord(policy.choices[index]!, settings.workspace),
        };
        return { input, record: report ? { ...program, policy: report } : program };
      });
      record.programs = programs.map((program) => program.record);
      for (const { record: program } of programs)
        core.info(logLine(`${folderName(settings.workspace, program.dir)}: ${program.packageManager!.name}, from ${managerReason(program.packageManager!)}.`));
      return { options: policy.options, programs, routedRegistry: policy.routedRegistry, blocker, choices: policy.choices, ready, installRoots };
    }),
  );
  const { errors } = totals(allFindings(record));
  if (errors > 0 && settings.policy === 'error') {
    throw new ActionError(`${plural(errors, 'dependency policy violation')}: see the annotations (set "policy: warn" to report without failing).`);
  }
  if (!settings.install) {
    core.info('Input "install" is false: the policy check ran alone; nothing was configured or installed.');
    return;
  }
  // The token goes only to a registry the scope is routed to: with nothing routed, the manager installs a fork's code
  // without a secret (and an untrusted run still never saves the cache).
  if (blocker || !ready || !installRoots) throw blocker;
  if (routedRegistry && untrusted) core.warning(`"allow-untrusted" is true: the token goes to an install of ${untrusted.head}'s code.`);

  const { versions, env: runEnv, addedPaths, notes } = await ready;
  for (const folder of addedPaths) core.addPath(folder);
  for (const note of notes) core.info(logLine(note));
  record.programs = record.programs.map((program) =>
    program.packageManager
      ? { ...program, packageManager: { ...program.packageManager, version: versions.get(program.packageManager.name as ManagerName) ?? '' } }
      : program,
  );
  const managers = managersOf(choices);
  const managerNames = managers.map((manager) => manager.name).join(', ');
  const configs = new Map<ManagerName, ScopedConfig>();
  for (const manager of routedRegistry ? managers : []) {
    configs.set(manager.name, await time(`${manager.name} config`, () => configureManager(settings, manager, routedRegistry!, env)));
  }
  const config = configs.get(managers[0]!.name);
  if (config) record.npmrc = { file: config.file, mergedFrom: config.mergedFrom };
  else
    core.info(
      `Nothing routes ${settings.scope}: ${managerNames} install${managers.length > 1 ? '' : 's'} it from ${options.registryUrl}, ` +
        'with no token and no scoped config.',
    );

  // No process the action starts holds the token: the installs reach the registry through the credential proxy below.
  const contexts = new Map(managers.map((manager) => [manager.name, managerContext(manager, runEnv, options.registryUrl)]));
  const contextOf = (manager: PackageManager) => contexts.get(manager.name)!;
  const links = options.links;
  // Asking a manager for its global folder takes a quarter of a second: let it run during the token check and the restore.
  const globalFolders = new Map(
    managers.map((manager) => [manager.name, links.length ? manager.links.globalFolder(contextOf(manager), settings.workspace) : Promise.resolve('')]),
  );
  for (const folder of globalFolders.values()) folder.catch(() => {}); // awaited in prepareLinks; a failed token check comes first
  // The managers' answers about their config take about 0.3 s a program: they come while the token check and the
  // restore run, and are awaited before any install.
  const routing = routedRegistry
    ? time('Token routing', () =>
        Promise.all(
          managers.map((manager) =>
            checkRouting(
              settings,
              manager,
              contextOf(manager),
              routedRegistry,
              programs.filter((_, index) => choices[index]!.name === manager.name).map((program) => program.input),
            ),
          ),
        ),
      )
    : Promise.resolve(undefined);
  routing.catch(() => {}); // awaited below; a failed token check comes first
  if (routedRegistry)
    record.registry = await time('Token check', () =>
      verifyToken(
        settings,
        routedRegistry,
        programs.map((program) => program.input),
      ),
    );

  // The restore does not need the links, so the managers' answers about their global folders arrive while it runs.
  const restore = background.restore;
  // Taken: its log is printed now, and a failure from here on has no download left to stop.
  background.restore = undefined;
  const cache = restore ? (await restore.held).release() : undefined;
  if (cache) record.cache = cache.record;
  const routed = await routing;
  if (routed) await core.group('Token routing', async () => routed.forEach((check) => core.info(check.line)));
  const linkings = new Map<ManagerName, Linking>();
  for (const manager of managers) {
    linkings.set(manager.name, await time('Link setup', () => prepareLinks(settings, manager, links, globalFolders.get(manager.name)!)));
  }
  const roots = await installRoots;
  const userFiles = await snapshotUserFiles(
    [...new Set([...programs.map((program) => program.record.dir), ...roots.map((root) => root.dir)])],
    settings.workspace,
    settings.runnerTemp,
  );
  saveSnapshotDir(userFiles.folder);
  if (settings.ignoreScripts) core.info('Input "ignore-scripts" is true: the package manager runs no install scripts, the programs\' own included.');
  // A few milliseconds (an https registry's certificates included): not a phase of its own.
  const proxy = config && routed && routedRegistry ? await openProxy(settings, routedRegistry, routed[0]!.network, config.dir, env) : undefined;
  const installContext = (manager: PackageManager): ManagerContext => {
    const installFile = configs.get(manager.name)?.installFile;
    if (!proxy || !installFile) return contextOf(manager);
    return { ...contextOf(manager), env: manager.environment(runEnv, { ...proxy.access, configFile: installFile }) };
  };
  const cacheHit = cache?.record.hit ?? false;
  try {
    // Programs of one workspace are installed once, at its root.
    for (const root of roots) {
      const manager = managerNamed(root.manager);
      const folder = { dir: root.dir, name: folderName(settings.workspace, root.dir) };
      const install = { settings, manager, context: installContext(manager), linking: linkings.get(manager.name)!, cacheHit, folder };
      const recordAs = (index: number, after: ProgramRecord) => (record.programs = record.programs.map((other, at) => (at === index ? after : other)));
      await time(`Install ${folder.name}`, () =>
        core.group(`Install ${folder.name}`, () => installAndCheck(install, root, record.programs, options, recordAs)),
      );
    }
  } catch (failure) {
    // The proxy saw what the manager could only report as its answer (a 502 for a reset or an untrusted certificate).
    const trouble = failure instanceof ActionError ? proxy?.trouble(failure.message) : undefined;
    const error = trouble ? new ActionError(`${(failure as ActionError).message} ${trouble}`) : failure;
    const restored = await userFiles.restore();
    if (restored.length)
      core.info(logLine(`The run failed: put back ${restored.map((file) => path.relative(settings.workspace, file)).join(', ')} as the run found them.`));
    throw error;
  } finally {
    await proxy?.close();
  }
  if (cache) {
    const saved = await time('Save node_modules', () => saveStep(settings, cache, env['GITHUB_EVENT_NAME'], untrusted !== undefined));
    record.cache = { ...cache.record, saved };
  }
}

/** What every command of a manager needs: its own environment (never the token), without proxy settings yet. */
function managerContext(manager: PackageManager, env: NodeJS.ProcessEnv, registryUrl: string): ManagerContext {
  return { run: runCommand, env: manager.environment(env, undefined), registryUrl };
}

/** The credential proxy, loaded only on a run that routes the scope, and what a manager needs to reach it (its config file aside). */
async function openProxy(
  settings: Settings,
  registryUrl: string,
  network: RunnerNetwork,
  folder: string,
  env: NodeJS.ProcessEnv,
): Promise<{ access: Omit<ProxyAccess, 'configFile'>; trouble: (failure: string) => string | undefined; close: () => Promise<void> }> {
  const { openProxySession } = await import('../token/credential-proxy-session.js');
  const session = await openProxySession({ registryUrl, token: settings.token, network, env, folder });
  core.info(`The credential proxy listens on ${session.proxyUrl}: it adds the token to requests for ${registryUrl} alone.`);
  return {
    access: { proxyUrl: session.proxyUrl, ...(session.certificates && { certificates: session.certificates }) },
    trouble: session.trouble,
    close: session.close,
  };
}

/**
 * Starts the restore with its log held back, once the managers are ready (their versions are part of the key). It
 * runs the managers for nothing but versions, so its environment never holds the token; a program without
 * package.json has no cache key (the policy check reports it).
 */
function restoreInBackground(
  settings: Settings,
  installRoots: Promise<InstallRoot[]>,
  ready: Promise<ReadyManagers>,
  options: PolicyOptions,
  time: PhaseTimer,
): BackgroundRestore {
  const stop = new AbortController();
  const held = holdStdout(() =>
    time('Restore node_modules', async () => {
      const [{ versions, env }, roots] = await Promise.all([ready, installRoots]);
      const installs: CachedInstall[] = [];
      for (const root of roots) {
        const files = installFiles(root);
        if (!files) return undefined;
        installs.push({ ...files, manager: { name: root.manager, version: versions.get(root.manager) ?? '' } });
      }
      const context = managerContext(managerNamed(roots[0]!.manager), env, options.registryUrl);
      return restoreStep(settings, context, installs, options.links, stop.signal);
    }),
  );
  return { held, stop };
}

/** Why the install may not run with what the run has: an untrusted run or a missing token, when the scope is routed. */
function installBlocker(settings: Settings, routedRegistry: string | undefined, untrusted: UntrustedRun | undefined): ActionError | undefined {
  if (routedRegistry && untrusted && !settings.allowUntrusted) return new ActionError(untrustedRunMessage(untrusted));
  if (routedRegistry && !settings.token) {
    return new ActionError(
      `The Pulumi access token is missing, and ${settings.scope} is routed to ${routedRegistry}: ` +
        '"pulumi-access-token" is empty and PULUMI_ACCESS_TOKEN is not set. ' +
        'Pass it from a secret (pulumi-access-token: ${{ secrets.PULUMI_ACCESS_TOKEN }}), or use "preset: current" for packages from the public registry. ' +
        'Pull requests from forks do not receive secrets: use "install: false" there to run the policy check alone.',
    );
  }
  return undefined;
}

/**
 * Install at the root (or keep a verified restored tree), link, verify the links, then check each program's installed
 * tree. `recordAs` hears a program's record after each step, so that a failure keeps what came before it.
 */
async function installAndCheck(
  request: InstallRequest,
  root: InstallRoot,
  records: ProgramRecord[],
  options: PolicyOptions,
  recordAs: (index: number, program: ProgramRecord) => void,
): Promise<void> {
  const { settings, manager, linking, folder } = request;
  const served = root.programs.map((index) => folderName(settings.workspace, records[index]!.dir));
  if (served.length > 1 || served[0] !== folder.name) core.info(logLine(`One install at ${folder.name} serves ${served.join(', ')}.`));
  const installed = await installAt(request);
  for (const index of root.programs) recordAs(index, { ...records[index]!, ...installed });
  // The links go where the install ran: every program of the root resolves them from there.
  const links = await manager.links.verify(folder.dir, folder.name, linking.links);
  for (const index of root.programs) {
    const program: ProgramRecord = { ...records[index]!, ...installed, links };
    recordAs(index, program);
    const treeFindings = await checkInstalledProgram(settings, program.dir, options);
    if (program.policy) recordAs(index, { ...program, policy: { ...program.policy, findings: [...program.policy.findings, ...treeFindings] } });
    const treeErrors = totals(treeFindings).errors;
    if (treeErrors > 0 && settings.policy === 'error') {
      const name = folderName(settings.workspace, program.dir);
      throw new ActionError(`The installed tree of ${name} breaks the dependency policy (${plural(treeErrors, 'error')}): see the annotations.`);
    }
  }
}

/** The outputs, the JSON report, the SARIF log and the job summary, all made from `record`; then the job's one failure. */
async function finish(settings: Settings, record: RunRecord, env: NodeJS.ProcessEnv): Promise<void> {
  const findings = allFindings(record);
  if (record.npmrc) core.setOutput(OUTPUTS.npmrc, record.npmrc.file);
  core.setOutput(OUTPUTS.programs, JSON.stringify(programFolders(settings.workingDirectories, settings.workspace)));
  core.setOutput(OUTPUTS.violations, String(totals(findings).errors));
  core.setOutput(OUTPUTS.cacheHit, record.cache?.hit ? 'true' : 'false');
  core.setOutput(OUTPUTS.cachePrimaryKey, record.cache?.primaryKey ?? '');
  core.setOutput(OUTPUTS.cacheMatchedKey, record.cache?.matchedKey ?? '');
  try {
    core.setOutput(OUTPUTS.report, await writeJsonReport(record, settings.runnerTemp));
    core.setOutput(OUTPUTS.sarif, await writeSarifLog(findings, record.workspace, settings.runnerTemp));
    // act, Gitea's and Forgejo's runners and local-action may give no summary file: the JSON report holds it all.
    if (env['GITHUB_STEP_SUMMARY']) {
      const releasedCli = releasedCliVersion(env['GITHUB_ACTION_REF'], bundledVersion());
      const fixes = await fixSummary(record.workspace, record.programs, async () => (await readPolicy(settings, env)).options, releasedCli);
      await core.summary.addRaw(summaryMarkdown(record) + fixes).write();
    } else core.info('No job summary: GITHUB_STEP_SUMMARY is not set on this runner; the report output has everything the run found and did.');
  } catch (error) {
    core.warning(`Could not write the run's report or job summary: ${(error as Error).message}`);
  }
  if (record.failure) core.setFailed(record.failure);
  else markMainSucceeded();
}

function newRecord(settings: Settings): RunRecord {
  return {
    workspace: settings.workspace,
    settings: {
      preset: undefined,
      registry: undefined,
      scope: settings.scope,
      workingDirectories: settings.workingDirectories.map((dir) => dir.input),
      install: settings.install,
      packageManager: settings.packageManager,
      installCommand: settings.installCommand,
      links: settings.links ?? [],
      cache: settings.cache,
      policy: settings.policy,
      policyFile: undefined,
      token: settings.tokenSource,
    },
    selection: selectionRecord(settings.selection, settings.workingDirectories, settings.workspace),
    // Replaced by the checked programs; until then, a failure's report still lists each one.
    programs: settings.workingDirectories.map((dir) => programRecord(settings, dir.path)),
    phases: [],
  };
}

function programRecord(settings: Settings, dir: string): ProgramRecord {
  return { dir, name: path.relative(settings.workspace, dir) || '.' };
}

/** The job's one failure line; it may quote npm's output or the user's files, so URL credentials are redacted. */
function failureLine(error: unknown): string {
  return redactUrlCredentials(error instanceof ActionError ? error.message : `Unexpected error: ${(error as Error)?.message ?? String(error)}`);
}

/** Anything but an ActionError is a bug: its stack goes to the debug log, never to the user's. */
function debugUnexpected(error: unknown): void {
  if (!(error instanceof ActionError)) core.debug((error as Error)?.stack ?? String(error));
}
