import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { positionOf, runPolicyCheck, warningsOf, withSandbox } from './support/e2e.js';

const program = (name: string, sdk: string) => `{\n  "name": "${name}",\n  "dependencies": {\n    "@pulumi/pulumi": "${sdk}"\n  }\n}\n`;

describe('versions-across-programs, end to end (install: false)', () => {
  it('warns two working directories on @pulumi/pulumi ^2 and ^3, each on its entry, naming the other', async () => {
    await withSandbox({ 'infra/a': program('a', '^2.0.0'), 'infra/b': program('b', '^3.0.0') }, async (sandbox) => {
      const run = await runPolicyCheck(sandbox, { 'working-directory': 'infra/a\ninfra/b', preset: 'current', policy: 'warn' });
      try {
        assert.equal(run.main.exitCode, 0, run.main.log);
        const warnings = warningsOf(run.main).filter((command) => command.properties['title'] === 'versions-across-programs');
        const at = async (folder: string, spec: string) => {
          const { line, col } = await positionOf(path.join(sandbox.workspace, folder, 'package.json'), `"${spec}"`);
          return { file: `${folder}/package.json`, line, col };
        };
        assert.deepEqual(
          warnings.map(({ properties: { file, line, col } }) => ({ file, line, col })),
          [await at('infra/a', '^2.0.0'), await at('infra/b', '^3.0.0')],
        );
        assert.match(
          warnings[0]!.message,
          /"@pulumi\/pulumi": "\^2\.0\.0" is on major 2, other programs of this run on another: infra\/b "\^3\.0\.0" \(major 3\)\./,
        );
        assert.match(warnings[1]!.message, /: infra\/a "\^2\.0\.0" \(major 2\)\./);
        const report = JSON.parse(fs.readFileSync(run.main.outputs['report']!, 'utf8'));
        assert.deepEqual(
          report.findings
            .filter((f: { rule: string }) => f.rule === 'versions-across-programs')
            .map((f: { file: string; line: number }) => `${f.file}:${f.line}`),
          warnings.map(({ properties: { file, line } }) => `${file}:${line}`),
        );
        assert.match(run.main.summary, /\| @pulumi\/pulumi \| dependencies \| \^3\.0\.0 \|[^\n]*versions-across-programs/);
      } finally {
        await run.cleanup();
      }
    });
  });
});
