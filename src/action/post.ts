import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { core } from './toolkit.js';
import { configDir, mainSucceeded, snapshotDir } from './state.js';
import { restoreUserFiles } from './user-files.js';

/**
 * Post step: when main did not finish (it failed, or was killed mid-install), put back the user's files main
 * recorded; then remove the folder holding the scoped .npmrc. Runs always (post-if: always()), never fails the job.
 */
export async function runPost(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await putBackUserFiles(env);
  const dir = configDir();
  if (!dir) {
    core.info('Nothing to clean up: the main step wrote no npm config.');
    return;
  }
  if (!isOurFolder(dir, env['RUNNER_TEMP'])) {
    core.warning(`Not removing ${dir}: it is not a setup-pulumi-npm folder under RUNNER_TEMP.`);
    return;
  }
  try {
    await fs.rm(dir, { recursive: true, force: true });
    core.info(`Removed the npm config folder ${dir}.`);
  } catch (error) {
    core.warning(`Could not remove the npm config folder ${dir}: ${(error as Error).message}`);
  }
}

async function putBackUserFiles(env: NodeJS.ProcessEnv): Promise<void> {
  const dir = snapshotDir();
  if (!dir) return;
  if (!isOurFolder(dir, env['RUNNER_TEMP'])) {
    core.warning(`Not reading ${dir}: it is not a setup-pulumi-npm folder under RUNNER_TEMP.`);
    return;
  }
  try {
    if (!mainSucceeded()) {
      const workspace = path.resolve(env['GITHUB_WORKSPACE'] || process.cwd());
      const restored = await restoreUserFiles(dir, workspace);
      if (restored.length)
        core.info(`The main step did not finish: put back ${restored.map((file) => path.relative(workspace, file)).join(', ')} as it found them.`);
    }
    await fs.rm(dir, { recursive: true, force: true });
  } catch (error) {
    core.warning(`Could not put back the files the main step recorded in ${dir}: ${(error as Error).message}`);
  }
}

// The state could be tampered with between steps; only ever delete a folder this action creates.
function isOurFolder(dir: string, runnerTemp: string | undefined): boolean {
  const resolved = path.resolve(dir);
  const parent = path.dirname(resolved);
  const underTemp = runnerTemp ? parent === path.resolve(runnerTemp) : true;
  return underTemp && path.basename(resolved).startsWith('setup-pulumi-npm-');
}
