import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as core from '@actions/core';
import { restoreNodeModules } from './cache/restore.js';
import { cacheServiceUnavailable, planNodeModulesCache, reasonNotToSave, type NodeModulesCachePlan } from './cache/run.js';
import { saveNodeModules } from './cache/save.js';
import type { CacheMessage } from './cache/sdk-call.js';
import { isInstalledTreeCurrent } from './cache/verify.js';
import { ActionError } from './errors.js';
import { globalPackagesFolder, linkIntoProgram, registerLinkPath, requireGlobalLinks, verifyLinks, type LinkContext } from './link.js';
import { explainNpmFailure, npmEnvironment, runCommand, withoutPeerInstall, type CommandRunner } from './npm.js';
import { userConfigPath, writeScopedNpmrc } from './npmrc.js';
import {
  applyPolicyMode, checkInstalledTree, checkProgram, effectiveLinks, parsePolicyConfig,
  type Finding, type PolicyOptions, type ProgramInput,
} from './policy/index.js';
import { readInstalledTree, readProgram } from './policy/read.js';
import { checkToken } from './registry-check.js';
import { allFindings, annotate, countErrors, summaryMarkdown, writeJsonReport, type ProgramRecord, type RunRecord } from './reporting.js';
import { readSettings, type Settings } from './settings.js';
import { markMainStarted, saveConfigDir } from './state.js';

/** The main step: settings, policy, npm config, token check, install and link, report. Fails the job once. */
export async function runMain(env: NodeJS.ProcessEnv = process.env, run: CommandRunner = runCommand): Promise<void> {
  markMainStarted();
  // Mask the token before anything can print it, even an error about another input.
  const rawToken = core.getInput('pulumi-access-token') || env['PULUMI_ACCESS_TOKEN'] || '';
  if (rawToken.trim()) core.setSecret(rawToken.trim());

  let settings: Settings;
  try {
    settings = readSettings(core.getInput, env);
  } catch (error) {
    core.setOutput('violations', '0');
    core.setOutput('cache-hit', 'false');
    return fail(error);
  }
  const record = newRecord(settings);
  try {
    await mainSteps(settings, record, env, run);
  } catch (error) {
    record.failure = failureLine(error);
    reportError(error, settings.workspace);
  }
  await finish(settings, record);
}

async function mainSteps(settings: Settings, record: RunRecord, env: NodeJS.ProcessEnv, run: CommandRunner): Promise<void> {
  for (const warning of settings.warnings) core.warning(warning);
  const { options, programs } = await core.group('Dependency policy', () => checkPolicy(settings, record));
  const errors = countErrors(allFindings(record));
  if (errors > 0 && settings.policy === 'error') {
    throw new ActionError(`${errors} dependency policy violation${errors === 1 ? '' : 's'}: see the annotations (set "policy: warn" to report without failing).`);
  }
  if (!settings.install) {
    core.info('Input "install" is false: the policy check ran alone; nothing was configured or installed.');
    return;
  }
  if (!settings.token) {
    throw new ActionError('The Pulumi access token is missing: "pulumi-access-token" is empty and PULUMI_ACCESS_TOKEN is not set. Pass it from a secret (pulumi-access-token: ${{ secrets.PULUMI_ACCESS_TOKEN }}). Pull requests from forks do not receive secrets: use "install: false" there to run the policy check alone.');
  }

  const npmrc = await core.group('npm config', async () => {
    const written = await writeScopedNpmrc(settings.runnerTemp, userConfigPath(env), settings.scope, settings.registryUrl);
    saveConfigDir(written.dir);
    core.exportVariable('NPM_CONFIG_USERCONFIG', written.file);
    core.setOutput('npmrc', written.file);
    core.info(`Wrote ${written.file}: ${settings.scope} → ${settings.registryUrl}${written.mergedFrom ? `, keeping the settings of ${written.mergedFrom}` : ''}.`);
    return written;
  });
  record.npmrc = { file: npmrc.file, mergedFrom: npmrc.mergedFrom };

  record.registry = await core.group('Token check', async () => {
    const identity = await checkToken(settings.registryUrl, settings.token, firstScopePackage(programs, settings.scope));
    core.info(`The registry knows the token${identity.username ? ` as user "${identity.username}"` : ''}${identity.checkedPackage ? ` and grants read access to ${identity.checkedPackage}` : ''}.`);
    return identity;
  });

  const links = effectiveLinks(options);
  const context: LinkContext = {
    run,
    env: npmEnvironment(env, settings.token, npmrc.file),
    registryUrl: settings.registryUrl,
  };
  if (links.length) await core.group('Link setup', () => prepareLinks(settings, context, links));

  const unavailable = settings.cache === 'false' ? undefined : cacheServiceUnavailable();
  if (unavailable) core.notice(unavailable);
  const useCache = settings.cache !== 'false' && !unavailable;
  const cache = useCache ? await core.group('Restore node_modules', () => restoreCache(settings, context, programs, links, record)) : undefined;
  for (const program of record.programs) {
    await core.group(`Install ${displayName(settings, program.dir)}`, () => installProgram(settings, context, program, links, options, cache?.hit ?? false));
  }
  if (cache && record.cache) {
    const skip = reasonNotToSave(settings.cache, cache.hit, env['GITHUB_EVENT_NAME']);
    if (skip) core.info(`Not saving node_modules: ${skip}.`);
    else record.cache.saved = await core.group('Save node_modules', async () => sayCacheMessage(await saveNodeModules(cache.plan.paths, cache.plan.primaryKey)).saved);
  }
}

async function restoreCache(settings: Settings, context: LinkContext, programs: ProgramInput[], links: string[], record: RunRecord): Promise<{ plan: NodeModulesCachePlan; hit: boolean }> {
  const [nodeVersion, npmVersion] = await Promise.all(['node', 'npm'].map((tool) => toolVersion(context, tool, settings.workspace)));
  const plan = await planNodeModulesCache({
    workspace: settings.workspace, programs, prefix: settings.cacheKeyPrefix, installCommand: settings.installCommand,
    registryUrl: settings.registryUrl, links, nodeVersion, npmVersion,
  });
  const restored = sayCacheMessage(await restoreNodeModules(plan.paths, plan));
  record.cache = { hit: restored.hit, primaryKey: plan.primaryKey, matchedKey: restored.matchedKey, saved: false, note: restored.message?.level === 'info' ? undefined : restored.message?.text };
  return { plan, hit: restored.hit };
}

async function toolVersion(context: LinkContext, tool: string, cwd: string): Promise<string> {
  const result = await context.run(tool, ['--version'], { cwd, env: context.env, quiet: true });
  return result.exitCode === 0 ? result.stdout.trim() : '';
}

function sayCacheMessage<T extends { message?: CacheMessage }>(result: T): T {
  const message = result.message;
  if (message?.level === 'warning') core.warning(message.text);
  else if (message?.level === 'notice') core.notice(message.text);
  else if (message) core.info(message.text);
  return result;
}

async function checkPolicy(settings: Settings, record: RunRecord): Promise<{ options: PolicyOptions; programs: ProgramInput[] }> {
  const policyFile = settings.policy === 'off' ? undefined : await readOptionalFile(settings.policyFile);
  const { config, findings: configFindings } = parsePolicyConfig(policyFile);
  record.settings.policyFile = policyFile?.path;
  const options: PolicyOptions = { scope: settings.scope, links: settings.links, registryUrl: settings.registryUrl, config };
  const programs: ProgramInput[] = [];
  for (const program of record.programs) {
    const input = await readProgram(program.dir, config);
    programs.push(input);
    if (settings.policy === 'off') continue;
    const report = checkProgram(input, options);
    program.policy = { ...report, findings: applyPolicyMode(report.findings, settings.policy) };
  }
  const first = record.programs[0];
  if (first?.policy) first.policy.findings.unshift(...applyPolicyMode(configFindings, settings.policy));
  const findings = allFindings(record);
  annotate(findings, settings.workspace);
  core.info(settings.policy === 'off' ? 'Input "policy" is off: the check was skipped.' : policySummaryLine(findings));
  return { options, programs };
}

async function prepareLinks(settings: Settings, context: LinkContext, links: string[]): Promise<void> {
  const globalFolder = await globalPackagesFolder(context, settings.workspace);
  if (settings.linkPath) {
    const name = await registerLinkPath(settings.linkPath, links, globalFolder);
    core.info(`Registered ${settings.linkPath} as the global link of "${name}".`);
  }
  await requireGlobalLinks(links, globalFolder);
}

async function installProgram(settings: Settings, context: LinkContext, program: ProgramRecord, links: string[], options: PolicyOptions, cacheHit: boolean): Promise<void> {
  const where = displayName(settings, program.dir);
  const tree = cacheHit ? await isInstalledTreeCurrent(program.dir, links) : undefined;
  if (tree?.current) {
    core.info(`The restored node_modules is the tree package-lock.json describes: skipping "${settings.installCommand}".`);
    program.installed = 'skipped (cache hit)';
  } else {
    if (tree?.reason) core.info(`The restored node_modules is not the tree package-lock.json describes (${tree.reason}): installing.`);
    const started = performance.now();
    const installEnv = links.length ? withoutPeerInstall(context.env) : context.env;
    const result = await context.run(settings.installCommand, [], { cwd: program.dir, env: installEnv });
    if (result.exitCode !== 0) throw explainNpmFailure(settings.installCommand, where, result, settings.registryUrl);
    program.installed = 'ran';
    program.installSeconds = (performance.now() - started) / 1000;
  }
  await linkIntoProgram(context, program.dir, where, links);
  program.links = await verifyLinks(program.dir, where, links);
  if (settings.policy === 'off') return;
  const treeFindings = applyPolicyMode(checkInstalledTree(await readInstalledTree(program.dir, options), options), settings.policy);
  annotate(treeFindings, settings.workspace);
  program.policy?.findings.push(...treeFindings);
  const treeErrors = countErrors(treeFindings);
  if (treeErrors > 0 && settings.policy === 'error') {
    throw new ActionError(`The installed tree of ${where} breaks the dependency policy (${treeErrors} error${treeErrors === 1 ? '' : 's'}): see the annotations.`);
  }
}

async function finish(settings: Settings, record: RunRecord): Promise<void> {
  const violations = countErrors(allFindings(record));
  core.setOutput('violations', String(violations));
  core.setOutput('cache-hit', record.cache?.hit ? 'true' : 'false');
  core.setOutput('cache-primary-key', record.cache?.primaryKey ?? '');
  core.setOutput('cache-matched-key', record.cache?.matchedKey ?? '');
  try {
    core.setOutput('report', await writeJsonReport(record, settings.runnerTemp, settings.workspace));
    await core.summary.addRaw(summaryMarkdown(record, settings.workspace)).write();
  } catch (error) {
    core.warning(`Could not write the run's report or job summary: ${(error as Error).message}`);
  }
  if (record.failure) core.setFailed(record.failure);
}

function newRecord(settings: Settings): RunRecord {
  return {
    settings: {
      registryUrl: settings.registryUrl,
      scope: settings.scope,
      workingDirectories: settings.workingDirectories.map((dir) => dir.input),
      install: settings.install,
      installCommand: settings.installCommand,
      links: settings.links,
      cache: settings.cache,
      policy: settings.policy,
      policyFile: undefined,
      token: settings.tokenSource,
    },
    programs: settings.workingDirectories.map((dir) => ({ dir: dir.path })),
  };
}

/** The first scope package any program lists: reading it proves the token's access, not just its validity. */
function firstScopePackage(programs: ProgramInput[], scope: string): string | undefined {
  for (const program of programs) {
    try {
      const manifest = JSON.parse(program.packageJson.text) as Record<string, unknown>;
      const dependencies = manifest['dependencies'];
      const names = dependencies && typeof dependencies === 'object' ? Object.keys(dependencies) : [];
      const name = names.find((candidate) => candidate.startsWith(`${scope}/`));
      if (name) return name;
    } catch {
      // A malformed package.json was reported by the policy check; there is nothing to read here.
    }
  }
  return undefined;
}

function policySummaryLine(findings: Finding[]): string {
  const errors = countErrors(findings);
  return `Policy: ${errors} error${errors === 1 ? '' : 's'}, ${findings.length - errors} warning${findings.length - errors === 1 ? '' : 's'}.`;
}

async function readOptionalFile(file: string): Promise<{ path: string; text: string } | undefined> {
  try {
    return { path: file, text: await fs.readFile(file, 'utf8') };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ActionError(`Cannot read the policy file ${file} (input "policy-file"): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, { file });
  }
}

const displayName = (settings: Settings, dir: string): string => path.relative(settings.workspace, dir) || '.';

function failureLine(error: unknown): string {
  return error instanceof ActionError ? error.message : `Unexpected error: ${(error as Error)?.message ?? String(error)}`;
}

/** An ActionError with a location becomes an annotation there; anything else is one line, never a stack trace. */
function reportError(error: unknown, workspace: string): void {
  if (error instanceof ActionError && error.location) {
    const { file, line, column } = error.location;
    const properties: core.AnnotationProperties = { file: path.relative(workspace, file) };
    if (line !== undefined) properties.startLine = line;
    if (column !== undefined) properties.startColumn = column;
    core.error(error.message, properties);
  }
  if (!(error instanceof ActionError)) core.debug((error as Error)?.stack ?? String(error));
}

function fail(error: unknown): void {
  core.setFailed(failureLine(error));
}
