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

const REMOVE = 'Remove it: the action installs through a proxy of its own, which adds the token for registry-url alone.';

const cases: RoutingCase[] = [
  {
    name: 'a project .npmrc that routes the scope elsewhere names the file',
    programs: { '.': docsProgram },
    files: { '.npmrc': `save-exact=true\n@pulumi:registry=${ELSEWHERE}\n` },
    failure: (sandbox) =>
      `${path.join(sandbox.workspace, '.npmrc')} routes @pulumi to ${ELSEWHERE}, not to "registry-url" (${registry.url}), so the install would not ` +
      'get the scope from the registry the token is for. Remove that setting, or set "registry-url" to it if you trust it.',
  },
  {
    name: "a workspace root's .npmrc that routes the scope elsewhere, for a member program",
    programs: { '.': { name: 'root', private: true, workspaces: ['infra'] }, infra: docsProgram },
    files: { '.npmrc': `"@pulumi:registry"=${ELSEWHERE}\n` },
    inputs: { 'working-directory': 'infra' },
    failure: (sandbox) =>
      `${path.join(sandbox.workspace, '.npmrc')} routes @pulumi to ${ELSEWHERE}, not to "registry-url" (${registry.url}), so the install would not ` +
      'get the scope from the registry the token is for. Remove that setting, or set "registry-url" to it if you trust it.',
  },
  {
    name: 'an npm_config_ variable that routes the scope elsewhere names the variable',
    programs: { '.': docsProgram },
    files: {},
    env: { 'npm_config_@pulumi:registry': ELSEWHERE },
    failure: () =>
      `The variable npm_config_@pulumi:registry routes @pulumi to ${ELSEWHERE}, not to "registry-url" (${registry.url}), so the install would not ` +
      'get the scope from the registry the token is for. Remove that setting, or set "registry-url" to it if you trust it.',
  },
  {
    name: "a project .npmrc that turns off npm's certificate check",
    programs: { '.': docsProgram },
    files: { '.npmrc': 'strict-ssl=false\n' },
    failure: (sandbox) =>
      `${path.join(sandbox.workspace, '.npmrc')} sets "strict-ssl" to false: the repository may not turn off npm's certificate check. ${REMOVE}`,
  },
  {
    name: 'a project .npmrc that names certificate roots of its own',
    programs: { '.': docsProgram },
    files: { '.npmrc': 'cafile=./roots.pem\n' },
    failure: (sandbox) =>
      `${path.join(sandbox.workspace, '.npmrc')} sets "cafile": npm would trust those certificates alone, and refuse the action's proxy. ${REMOVE} ` +
      "A runner's own roots go in NODE_EXTRA_CA_CERTS or its user config.",
  },
];

// No npm process ever holds the token (the credential proxy adds it): these settings fail early because the install
// would fail confusingly, not because they could leak it (e2e-credential-proxy proves that).
describe("npm is asked whether the repository's config takes the install around the credential proxy, before any install", () => {
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
        assert.match(run.main.log, /npm installs @pulumi from http:\/\/127\.0\.0\.1:\d+\/ through the action's credential proxy, in 1 program\./);
      } finally {
        await run.cleanup();
      }
    });
  });
});
