import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { failureOf, runPolicyCheck, withSandbox } from './support/e2e.js';
import { git, writeMonorepo } from './support/program-tree.js';

describe('finding the programs of a monorepo, end to end (install: false)', () => {
  it('auto finds exactly the Node.js programs, and the programs output lists them', async () => {
    await withSandbox({}, async (sandbox) => {
      const expected = writeMonorepo(sandbox.workspace);
      const run = await runPolicyCheck(sandbox, { 'working-directory': 'auto', policy: 'warn' });
      try {
        assert.equal(run.main.outputs['programs'], JSON.stringify(expected));
        assert.match(run.main.summary, /\*\*Programs \(`auto`\):\*\* `app\/pulumi`, `infra\/network`, /);
        assert.match(run.main.summary, /\*\*Passed over:\*\* `docs\/no-package` \(no package\.json in it or above it\), `python` \(runtime python\)\./);
        assert.doesNotMatch(run.main.log, /Unexpected error/);
      } finally {
        await run.cleanup();
      }
    });
  });

  it('globs select the programs among the folders they match; one that selects none fails the run, naming it', async () => {
    await withSandbox({}, async (sandbox) => {
      writeMonorepo(sandbox.workspace);
      const run = await runPolicyCheck(sandbox, { 'working-directory': 'stacks/**\ninfra/*' });
      try {
        assert.equal(run.main.exitCode, 0, run.main.log);
        assert.equal(run.main.outputs['programs'], JSON.stringify(['infra/network', 'infra/services', 'stacks/bun', 'stacks/prod/eu/web']));
        assert.deepEqual(
          [...run.main.summary.matchAll(/### Program `([^`]+)`/g)].map((match) => match[1]),
          ['stacks/bun', 'stacks/prod/eu/web', 'infra/network', 'infra/services'],
        );
      } finally {
        await run.cleanup();
      }
      // A run that fails after finding its programs still lists them (here: today's programs under the 0.10 preset).
      const failed = await runPolicyCheck(sandbox, { 'working-directory': 'infra/*', preset: 'pulumi-0.10' });
      try {
        assert.equal(failed.main.exitCode, 1);
        assert.match(failureOf(failed.main) ?? '', /dependency policy violation/);
        assert.equal(failed.main.outputs['programs'], JSON.stringify(['infra/network', 'infra/services']));
      } finally {
        await failed.cleanup();
      }
      const none = await runPolicyCheck(sandbox, { 'working-directory': 'infra/*\npython*' });
      try {
        assert.equal(none.main.exitCode, 1);
        assert.match(failureOf(none.main) ?? '', /^Input "working-directory" holds the glob "python\*", which matches no Pulumi program of Node\.js/);
        assert.equal(none.main.outputs['programs'], '[]');
      } finally {
        await none.cleanup();
      }
    });
  });

  it('changed-since lists, checks and reports only the programs changed since a commit', async () => {
    await withSandbox({}, async (sandbox) => {
      const { workspace } = sandbox;
      writeMonorepo(workspace);
      const base = git(workspace, 'rev-parse', 'HEAD');
      fs.appendFileSync(path.join(workspace, 'infra/network/index.ts'), '// changed\n');
      git(workspace, 'commit', '-q', '-a', '-m', 'second');
      const run = await runPolicyCheck(sandbox, { 'working-directory': 'infra/*\nstacks/**', 'changed-since': base });
      try {
        assert.equal(run.main.exitCode, 0, run.main.log);
        assert.equal(run.main.outputs['programs'], '["infra/network"]');
        assert.ok(run.main.log.includes('working-directory (infra/*, stacks/**): 4 programs found.'), run.main.log);
        assert.ok(
          run.main.log.includes(`changed-since ${base.slice(0, 7)}: skipped infra/services, stacks/bun, stacks/prod/eu/web, nothing of theirs changed.`),
        );
        assert.deepEqual(
          [...run.main.summary.matchAll(/### Program `([^`]+)`/g)].map((match) => match[1]),
          ['infra/network'],
        );
        const skipped = `no change since ${base.slice(0, 7)} in its folder, its package.json or lockfile, or a local package it depends on`;
        assert.ok(
          run.main.summary.includes(`**Skipped (changed-since \`${base.slice(0, 7)}\`):** \`infra/services\` (${skipped}), \`stacks/bun\` (${skipped})`),
          run.main.summary,
        );
      } finally {
        await run.cleanup();
      }
      // Nothing of theirs changed since HEAD: no program, and a run that succeeds with nothing to do.
      const head = git(workspace, 'rev-parse', 'HEAD');
      const none = await runPolicyCheck(sandbox, { 'working-directory': 'infra/*', 'changed-since': head });
      try {
        assert.equal(none.main.exitCode, 0, none.main.log);
        assert.equal(none.main.outputs['programs'], '[]');
        assert.match(none.main.log, new RegExp(`No program changed since ${head}: nothing to check or install\\.`));
      } finally {
        await none.cleanup();
      }
    });
  });
});
