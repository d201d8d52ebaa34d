/**
 * Runners other than GitHub's set fewer variables: act, Gitea's and Forgejo's runners may give no file commands
 * (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY…), no RUNNER_TEMP or RUNNER_TOOL_CACHE, and no cache service
 * (ACTIONS_CACHE_URL, ACTIONS_RESULTS_URL). The action does without each, says so where it matters, and post still
 * finds what main left it.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import { errorsOf, runSetup, warningsOf, withSandbox } from './support/e2e.js';
import { useRegistry } from './support/servers.js';

const registry = await useRegistry();

describe('a runner with fewer variables than GitHub’s', () => {
  it('without file commands, temp folder, tool cache or cache service: outputs and state as commands, post cleans up', async () => {
    await withSandbox(undefined, async (sandbox) => {
      const run = await runSetup(registry, sandbox, {
        inputs: { cache: 'true' },
        env: { RUNNER_TEMP: undefined, RUNNER_TOOL_CACHE: undefined, ACTIONS_CACHE_URL: undefined, ACTIONS_RESULTS_URL: undefined },
        withoutFileCommands: true,
      });
      try {
        assert.equal(run.main.exitCode, 0, run.main.stdout);
        assert.deepEqual(errorsOf(run.main), []);
        assert.deepEqual(warningsOf(run.main), [], 'nothing missing is worth a warning');
        assert.equal(run.main.outputs['violations'], '0');
        assert.equal(run.main.outputs['cache-hit'], 'false');
        assert.ok(fs.existsSync(run.main.outputs['report']!), 'the report output names the JSON report');
        const notices = run.main.commands.filter((command) => command.command === 'notice').map((command) => command.message);
        assert.ok(
          notices.some((notice) => /The Actions cache service is not available on this runner/.test(notice)),
          notices.join('\n'),
        );
        assert.match(run.main.stdout, /No job summary: GITHUB_STEP_SUMMARY is not set on this runner/);
        // The state went out as commands: post found the config folder main wrote, and removed it.
        const npmrc = run.main.outputs['npmrc']!;
        assert.ok(run.main.state['configDir'], 'main saved the config folder in its state');
        assert.equal(run.post?.exitCode, 0);
        assert.equal(fs.existsSync(npmrc), false, 'post removed the config');
      } finally {
        await run.cleanup();
      }
    });
  });
});
