import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { docsProgram, failureOf, runSetup, withSandbox, type Sandbox } from './support/e2e.js';
import { useRegistry } from './support/servers.js';

const registry = await useRegistry();

// Another host: the port is part of npm's host, so this is not the test registry.
const ELSEWHERE = 'http://127.0.0.1:9/';

interface RoutingCase {
  name: string;
  programs: Record<string, unknown>;
  /** Files to write into the checkout. */
  files: Record<string, string>;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  failure: (sandbox: Sandbox) => string;
}

const cases: RoutingCase[] = [
  {
    name: 'a project .npmrc that routes the scope elsewhere names the file and line',
    programs: { '.': docsProgram },
    files: { '.npmrc': `save-exact=true\n@pulumi:registry=${ELSEWHERE}\n` },
    failure: (sandbox) =>
      `${path.join(sandbox.workspace, '.npmrc')}:2 routes @pulumi to ${ELSEWHERE}, not to "registry-url" (${registry.url}), so the install would take the ` +
      'scope and the token elsewhere. Remove that setting, or set "registry-url" to it if you trust it.',
  },
  {
    name: "a workspace root's .npmrc that hands the token to another host, for a member program",
    programs: { '.': { name: 'root', private: true, workspaces: ['infra'] }, infra: docsProgram },
    files: { '.npmrc': `registry=${ELSEWHERE}\n//127.0.0.1:9/:_authToken=\${PULUMI_ACCESS_TOKEN}\n` },
    inputs: { 'working-directory': 'infra' },
    failure: (sandbox) =>
      `${path.join(sandbox.workspace, '.npmrc')}:2 gives \${PULUMI_ACCESS_TOKEN} to "//127.0.0.1:9/:_authToken", which would send the Pulumi access ` +
      `token to //127.0.0.1:9/; only ${registry.url} may receive it. Remove that setting, or give it a credential of its own.`,
  },
  {
    name: 'an npm_config_ variable that hands the token to another host names the variable',
    programs: { '.': docsProgram },
    files: {},
    env: { 'npm_config_//127.0.0.1:9/:_authToken': '${PULUMI_ACCESS_TOKEN}' },
    failure: () =>
      'The variable npm_config_//127.0.0.1:9/:_authToken gives ${PULUMI_ACCESS_TOKEN} to "//127.0.0.1:9/:_authToken", which would send the Pulumi ' +
      `access token to //127.0.0.1:9/; only ${registry.url} may receive it. Remove that setting, or give it a credential of its own.`,
  },
];

// The token check may run beside npm's answer: it sends the token to "registry-url" alone, never through npm's config.
describe('npm is asked where the scope and the token would go, before any npm process gets the token', () => {
  for (const routing of cases) {
    it(routing.name, async () => {
      await withSandbox(routing.programs, async (sandbox) => {
        for (const [file, text] of Object.entries(routing.files)) fs.writeFileSync(path.join(sandbox.workspace, file), text);
        const run = await runSetup(registry, sandbox, { inputs: { policy: 'off', ...routing.inputs }, env: routing.env ?? {} });
        try {
          assert.equal(run.main.exitCode, 1, run.main.log);
          assert.equal(failureOf(run.main), routing.failure(sandbox));
          assert.doesNotMatch(run.main.log, /\[command\]\S*npm (install|ci|link|rebuild)/, 'no install, link or script ran');
          for (const [file, text] of Object.entries(routing.files)) assert.equal(fs.readFileSync(path.join(sandbox.workspace, file), 'utf8'), text);
        } finally {
          await run.cleanup();
        }
      });
    });
  }

  it('passes a project .npmrc that routes the scope to registry-url, and installs', async () => {
    await withSandbox(undefined, async (sandbox) => {
      fs.writeFileSync(path.join(sandbox.workspace, '.npmrc'), `@pulumi:registry=${registry.url.replace(/\/$/, '')}\n`);
      const run = await runSetup(registry, sandbox);
      try {
        assert.equal(run.main.exitCode, 0, run.main.log);
        assert.match(run.main.log, /npm routes @pulumi and the token to http:\/\/127\.0\.0\.1:\d+\/ alone, in 1 program\./);
      } finally {
        await run.cleanup();
      }
    });
  });
});
