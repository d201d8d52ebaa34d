import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import YAML from 'yaml';
import { failureOf, withSandbox } from './support/e2e.js';
import { runAction, type ActionRun } from './support/runner.js';

const actionYml = path.resolve(import.meta.dirname, '..', 'action.yml');
const declared = (YAML.parse(fs.readFileSync(actionYml, 'utf8')) as { inputs: Record<string, { default?: unknown }> }).inputs;
const defaults = Object.fromEntries(Object.entries(declared).map(([name, spec]) => [name, String(spec.default ?? '')]));

/** The settings the run's JSON report records. */
function reportedSettings(run: ActionRun): Record<string, unknown> {
  return (JSON.parse(fs.readFileSync(run.main.outputs['report']!, 'utf8')) as { settings: Record<string, unknown> }).settings;
}

describe('inputs the runner does not pass at all (act, Gitea/Forgejo Actions, @github/local-action)', () => {
  it("take action.yml's defaults, as GitHub's runner passes them", async () => {
    await withSandbox(undefined, async (sandbox) => {
      // A policy file where "policy-file" points by default, so the report shows that default was followed.
      const policyFile = path.join(sandbox.workspace, defaults['policy-file']!);
      fs.mkdirSync(path.dirname(policyFile), { recursive: true });
      fs.writeFileSync(policyFile, 'preset: pulumi-0.10\n');
      // No token anywhere: the run stops after the policy check, before anything would reach a registry.
      const noInputs = Object.fromEntries(Object.keys(declared).map((name) => [`INPUT_${name.toUpperCase()}`, undefined]));
      const bare = await runAction({ workspace: sandbox.workspace, env: noInputs });
      const github = await runAction({ workspace: sandbox.workspace });
      try {
        // "install" defaults to true: the run asks for the token the install needs.
        assert.match(failureOf(bare.main) ?? '', /^The Pulumi access token is missing/, bare.main.log);
        // Empty registry-url and link: the preset's (the file's pulumi-0.10 routes the scope to the proxy and links pulumi).
        assert.deepEqual(reportedSettings(bare), {
          preset: { name: 'pulumi-0.10', origin: 'policy file' },
          registry: { url: 'https://npmjs.pulumi.com/', routed: true },
          scope: defaults['scope'],
          workingDirectories: [defaults['working-directory']],
          install: defaults['install'] === 'true',
          packageManager: defaults['package-manager'],
          // Empty: each manager's own install (the report leaves it out).
          links: ['pulumi'],
          cache: defaults['cache'],
          policy: defaults['policy'],
          policyFile,
          token: 'none',
        });
        assert.deepEqual(reportedSettings(bare), reportedSettings(github));
        assert.equal(failureOf(bare.main), failureOf(github.main));
      } finally {
        await bare.cleanup();
        await github.cleanup();
      }
    });
  });
});
