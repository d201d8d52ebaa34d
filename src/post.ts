import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as core from '@actions/core';
import { configDir } from './state.js';

/** Post step: remove the folder holding the scoped .npmrc. Runs always (post-if: always()) and never fails the job. */
export async function runPost(env: NodeJS.ProcessEnv = process.env): Promise<void> {
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

// The state could be tampered with between steps; only ever delete a folder this action creates.
function isOurFolder(dir: string, runnerTemp: string | undefined): boolean {
  const resolved = path.resolve(dir);
  const parent = path.dirname(resolved);
  const underTemp = runnerTemp ? parent === path.resolve(runnerTemp) : true;
  return underTemp && path.basename(resolved).startsWith('setup-pulumi-npm-');
}
