import * as path from 'node:path';
import * as core from '@actions/core';
import { ActionError } from './errors.js';
import { globalPackagesFolder, type LinkContext } from './link.js';
import { npmEnvironment, runCommand, type CommandRunner } from './npm.js';
import { effectiveLinks, totals } from './policy/index.js';
import { readEventPayload, untrustedRun, untrustedRunMessage } from './trust.js';
import { allFindings, summaryMarkdown, writeJsonReport, type RunRecord } from './reporting.js';
import { readSettings, type Settings } from './settings.js';
import { markMainStarted } from './state.js';
import { snapshotUserFiles } from './user-files.js';
import { restoreStep, saveStep } from './steps/cache.js';
import { installProgram, prepareLinks } from './steps/install.js';
import { checkPrograms } from './steps/policy.js';
import { configureNpm, verifyToken } from './steps/registry.js';

/** The main step: settings, policy, npm config, token check, cache, install and link, report. Fails the job once. */
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
    core.setFailed(failureLine(error));
    return;
  }
  const record = newRecord(settings);
  try {
    await mainSteps(settings, record, env, run);
  } catch (error) {
    record.failure = failureLine(error);
    debugUnexpected(error);
  }
  await finish(settings, record);
}

async function mainSteps(settings: Settings, record: RunRecord, env: NodeJS.ProcessEnv, run: CommandRunner): Promise<void> {
  for (const warning of settings.warnings) core.warning(warning);
  const { options, programs } = await core.group('Dependency policy', () => checkPrograms(settings, record));
  const { errors } = totals(allFindings(record));
  if (errors > 0 && settings.policy === 'error') {
    throw new ActionError(
      `${errors} dependency policy violation${errors === 1 ? '' : 's'}: see the annotations (set "policy: warn" to report without failing).`,
    );
  }
  if (!settings.install) {
    core.info('Input "install" is false: the policy check ran alone; nothing was configured or installed.');
    return;
  }
  const untrusted = untrustedRun(env['GITHUB_EVENT_NAME'], await readEventPayload(env['GITHUB_EVENT_PATH']));
  if (untrusted && !settings.allowUntrusted) throw new ActionError(untrustedRunMessage(untrusted));
  if (untrusted) core.warning(`"allow-untrusted" is true: the token goes to an install of ${untrusted.head}'s code.`);
  if (!settings.token) {
    throw new ActionError(
      'The Pulumi access token is missing: "pulumi-access-token" is empty and PULUMI_ACCESS_TOKEN is not set. Pass it from a secret (pulumi-access-token: ' +
        '${{ secrets.PULUMI_ACCESS_TOKEN }}). Pull requests from forks do not receive secrets: use "install: false" there to run the policy check alone.',
    );
  }

  const npmrc = await configureNpm(settings, env);
  record.npmrc = { file: npmrc.file, mergedFrom: npmrc.mergedFrom };

  const context: LinkContext = { run, env: npmEnvironment(env, settings.token, npmrc.file), registryUrl: settings.registryUrl };
  const links = effectiveLinks(options);
  // Asking npm for its global folder takes a quarter of a second: let it run during the token check and the restore.
  const globalFolder = links.length ? globalPackagesFolder(context, settings.workspace) : Promise.resolve('');
  globalFolder.catch(() => {}); // awaited in prepareLinks; a failed token check comes first
  record.registry = await verifyToken(settings, programs);

  // The restore does not need the links, so npm's answer about its global folder arrives while it runs.
  const cache = await restoreStep(settings, context, programs, links, record);
  const linking = await prepareLinks(settings, links, globalFolder);
  const userFiles = await snapshotUserFiles(record.programs.map((program) => program.dir));
  try {
    for (const [index, program] of record.programs.entries()) {
      const packageJson = programs[index]!.packageJson.text;
      await core.group(`Install ${program.name}`, () => installProgram(settings, context, program, packageJson, linking, options, cache?.hit ?? false));
    }
  } catch (error) {
    const restored = await userFiles.restore();
    if (restored.length)
      core.info(`The run failed: put back ${restored.map((file) => path.relative(settings.workspace, file)).join(', ')} as the run found them.`);
    throw error;
  }
  if (cache) await saveStep(settings, cache, record, env['GITHUB_EVENT_NAME'], untrusted !== undefined);
}

async function finish(settings: Settings, record: RunRecord): Promise<void> {
  core.setOutput('violations', String(totals(allFindings(record)).errors));
  core.setOutput('cache-hit', record.cache?.hit ? 'true' : 'false');
  core.setOutput('cache-primary-key', record.cache?.primaryKey ?? '');
  core.setOutput('cache-matched-key', record.cache?.matchedKey ?? '');
  try {
    core.setOutput('report', await writeJsonReport(record, settings.runnerTemp));
    await core.summary.addRaw(summaryMarkdown(record)).write();
  } catch (error) {
    core.warning(`Could not write the run's report or job summary: ${(error as Error).message}`);
  }
  if (record.failure) core.setFailed(record.failure);
}

function newRecord(settings: Settings): RunRecord {
  return {
    workspace: settings.workspace,
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
    programs: settings.workingDirectories.map((dir) => ({ dir: dir.path, name: path.relative(settings.workspace, dir.path) || '.' })),
  };
}

function failureLine(error: unknown): string {
  return error instanceof ActionError ? error.message : `Unexpected error: ${(error as Error)?.message ?? String(error)}`;
}

/** Anything but an ActionError is a bug: its stack goes to the debug log, never to the user's. */
function debugUnexpected(error: unknown): void {
  if (!(error instanceof ActionError)) core.debug((error as Error)?.stack ?? String(error));
}
