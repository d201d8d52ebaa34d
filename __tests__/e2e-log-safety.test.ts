import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { docsProgram, runPolicyCheck, runSetup, withSandbox } from './support/e2e.js';
import type { StepResult } from './support/runner.js';
import { useRegistry } from './support/servers.js';

const registry = await useRegistry();

const INJECTED = 'injected-by-a-name';
// Names a hostile package.json may list: each tries to start a line of its own that the runner would carry out.
const hostile = {
  ...docsProgram,
  // First, so that any step that takes the first scope package (the token check) meets it.
  dependencies: {
    [`@pulumi/aws\n::error title=${INJECTED}::${INJECTED}`]: '^0.10.0',
    [`left-pad\r\n::set-output name=violations::${INJECTED}`]: '1.0.0',
    [`::warning::${INJECTED}`]: '1.0.0',
    ...docsProgram.dependencies,
  },
  devDependencies: { [`x\n::add-mask::${INJECTED}`]: '1.0.0', [`y\n::stop-commands::${INJECTED}`]: '1.0.0' },
};

/**
 * The step's workflow commands as the runner reads them (npm's output between stop-commands is not among them): only
 * the action's own annotations may quote the payload, escaped inside their message; nothing else may carry it.
 */
function assertNoInjectedCommand(step: StepResult): void {
  const injected = step.commands.filter((command) =>
    command.command !== 'error' && command.command !== 'warning' ? JSON.stringify(command).includes(INJECTED) : false,
  );
  assert.deepEqual(injected, [], 'no workflow command came from the data');
  for (const command of step.commands.filter((c) => c.command === 'error' || c.command === 'warning')) {
    assert.notEqual(command.properties['title'], INJECTED, 'no annotation of its own');
    assert.ok(!command.message.startsWith(INJECTED), `an annotation is the action's, quoting the name: ${command.message}`);
  }
  assert.notEqual(step.outputs['violations'], INJECTED);
  assert.ok(!step.summary.includes(`\n::`) && !/<(?!!--)/.test(step.summary.replace(/\\</g, '')), 'the summary holds no raw line or HTML from the data');
}

describe('text from the user files never becomes a workflow command, and credentials in URLs are redacted', () => {
  it('package names with line breaks and commands, on the policy check alone', async () => {
    await withSandbox({ '.': hostile }, async (sandbox) => {
      const run = await runPolicyCheck(sandbox);
      try {
        assert.ok(
          run.main.commands.some((command) => command.command === 'error'),
          run.main.stdout,
        );
        assertNoInjectedCommand(run.main);
      } finally {
        await run.cleanup();
      }
    });
  });

  it('package names with line breaks and commands, through the install and its failure', async () => {
    await withSandbox({ '.': hostile }, async (sandbox) => {
      const run = await runSetup(registry, sandbox, { inputs: { policy: 'warn' } });
      try {
        assert.notEqual(run.main.exitCode, 0);
        assertNoInjectedCommand(run.main);
        if (run.post) assertNoInjectedCommand(run.post);
      } finally {
        await run.cleanup();
      }
    });
  });

  it('a lockfile URL with credentials is shown as npm shows it, in the annotation, the summary and the report', async () => {
    await withSandbox({ '.': { ...docsProgram, dependencies: { '@pulumi/aws': '^0.10.0' } } }, async (sandbox) => {
      const resolved = 'https://deploy:s3cr3t-pass@mirror.example/@pulumi/aws/-/aws-0.10.1.tgz';
      const lockfile = {
        name: 'infra',
        version: '1.0.0',
        lockfileVersion: 3,
        requires: true,
        packages: {
          '': { name: 'infra', version: '1.0.0', dependencies: { '@pulumi/aws': '^0.10.0' } },
          'node_modules/@pulumi/aws': { version: '0.10.1', resolved, integrity: 'sha512-AAAA' },
        },
      };
      fs.writeFileSync(path.join(sandbox.workspace, 'package-lock.json'), JSON.stringify(lockfile, null, 2));
      const run = await runPolicyCheck(sandbox);
      try {
        const quoting = run.main.commands.filter((command) => command.message.includes('mirror.example'));
        assert.ok(quoting.length > 0, `a finding quotes the URL: ${run.main.stdout}`);
        for (const command of quoting) assert.match(command.message, /https:\/\/deploy:\*\*\*@mirror\.example\//);
        const report = fs.readFileSync(run.main.outputs['report']!, 'utf8');
        for (const [where, text] of [
          ['log', run.main.log],
          ['summary', run.main.summary],
          ['report', report],
        ]) {
          assert.ok(!text!.includes('s3cr3t-pass'), `the password is not in the ${where}`);
        }
      } finally {
        await run.cleanup();
      }
    });
  });
});
