import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { errorsOf, failureOf, positionOf, runPolicyCheck, warningsOf, withSandbox } from './support/e2e.js';
import { runAction, type WorkflowCommand } from './support/runner.js';

interface SarifResult {
  ruleId: string;
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
}

const located = (command: WorkflowCommand) => ({
  rule: command.properties['title'],
  file: command.properties['file'],
  line: command.properties['line'],
  col: command.properties['col'],
});

describe('the policy check in a pull request, end to end (install: false, no token)', () => {
  it('fails a program written before 0.10 with one annotation per offending entry', async () => {
    const manifest = '{\n  "name": "old",\n  "peerDependencies": {\n    "@pulumi/aws": "*",\n    "@pulumi/cloud": "*",\n    "pulumi": "*"\n  }\n}\n';
    await withSandbox({ '.': manifest }, async (sandbox) => {
      // The preset named: `fix` writes the 0.10 preset's own edits only when it is chosen, not detected.
      const run = await runPolicyCheck(sandbox, { preset: 'pulumi-0.10' });
      try {
        assert.equal(run.main.exitCode, 1);
        const file = path.join(sandbox.workspace, 'package.json');
        const expected = [
          { rule: 'scoped-in-dependencies', file: 'package.json', ...(await positionOf(file, '"@pulumi/aws"')) },
          { rule: 'scoped-in-dependencies', file: 'package.json', ...(await positionOf(file, '"@pulumi/cloud"')) },
        ];
        const annotations = errorsOf(run.main)
          .filter((command) => command.properties['file'])
          .map(located);
        assert.deepEqual(
          annotations.filter((a) => a.rule === 'scoped-in-dependencies'),
          expected,
        );
        assert.equal(run.main.outputs['violations'], String(annotations.length));
        assert.match(failureOf(run.main) ?? '', /dependency policy violations?: see the annotations/);
        assert.match(run.main.summary, /\| @pulumi\/aws \| peerDependencies \| \\\* \|.*scoped-in-dependencies/);
        const report = JSON.parse(fs.readFileSync(run.main.outputs['report']!, 'utf8'));
        // The peer range "*" is a warning (the documents write "latest"), annotated as one.
        const warnings = warningsOf(run.main).map(located);
        const peer = await positionOf(file, '"pulumi": "*"');
        assert.deepEqual(warnings, [{ rule: 'linked-peer', file: 'package.json', line: peer.line, col: String(Number(peer.col) + '"pulumi": '.length) }]);
        assert.deepEqual(
          report.findings.map((f: { rule: string; line: number; column: number }) => `${f.rule}:${f.line}:${f.column}`).sort(),
          [...annotations, ...warnings].map((a) => `${a.rule}:${a.line}:${a.col}`).sort(),
        );
        const sarif = JSON.parse(fs.readFileSync(run.main.outputs['sarif']!, 'utf8'));
        assert.equal(path.dirname(run.main.outputs['sarif']!), path.dirname(run.main.outputs['report']!));
        assert.deepEqual(
          sarif.runs[0].results.map(
            (r: SarifResult) => `${r.ruleId}:${r.locations[0]!.physicalLocation.artifactLocation.uri}:${r.locations[0]!.physicalLocation.region.startLine}`,
          ),
          report.findings.map((f: { rule: string; file: string; line: number }) => `${f.rule}:${f.file}:${f.line}`),
        );
        // The summary shows what `setup-pulumi-npm fix` would change and, outside a release, the patch to apply.
        assert.match(
          run.main.summary,
          /### Fixes for the repository root \(`\.`\)\n\nSave this diff as `fix\.patch` and run `git apply fix\.patch` at the root of the checkout/,
        );
        assert.doesNotMatch(run.main.summary, /npx/);
        // Reading the policy again for the fixes logs nothing: the preset is said once.
        assert.equal(run.main.log.split('\n').filter((line) => line.startsWith('Preset: ')).length, 1, run.main.log);
        assert.match(
          run.main.summary,
          /```diff\n--- a\/package\.json\n\+\+\+ b\/package\.json\n@@[^\n]*\n[\s\S]*- {4}"@pulumi\/aws": "\*",\n[\s\S]*\+ {4}"@pulumi\/aws": "\^0\.10\.0"/,
        );
      } finally {
        await run.cleanup();
      }
    });
  });

  it("from a release tag, the summary's fix command runs the command line published with that release", async () => {
    const manifest = { name: 'old', peerDependencies: { '@pulumi/aws': '*', pulumi: 'latest' } };
    const { version } = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    await withSandbox({ '.': manifest }, async (sandbox) => {
      for (const ref of [`v${version}`, `v${version.split('.')[0]}`]) {
        const inputs = { install: 'false', preset: 'pulumi-0.10' };
        const run = await runAction({ workspace: sandbox.workspace, tempParent: sandbox.root, inputs, env: { GITHUB_ACTION_REF: ref } });
        try {
          assert.equal(run.main.exitCode, 1);
          const command = `npx --yes @setup-pulumi-npm/cli@${version} fix --preset pulumi-0.10 .`;
          assert.ok(run.main.summary.includes(`### Fixes for the repository root (\`.\`)\n\nRun \`${command}\` in the repository`), run.main.summary);
        } finally {
          await run.cleanup();
        }
      }
    });
  });

  it('passes the same program migrated as the docs say', async () => {
    const manifest = { name: 'migrated', dependencies: { '@pulumi/aws': '^0.10.0', '@pulumi/cloud': '^0.10.0' }, peerDependencies: { pulumi: 'latest' } };
    await withSandbox({ '.': manifest }, async (sandbox) => {
      const run = await runPolicyCheck(sandbox);
      try {
        assert.equal(run.main.exitCode, 0, run.main.log);
        assert.deepEqual([...errorsOf(run.main), ...warningsOf(run.main)], []);
        assert.equal(run.main.outputs['violations'], '0');
      } finally {
        await run.cleanup();
      }
    });
  });

  it('annotates the source line that imports an unlisted package, and the listed package nothing uses', async () => {
    const manifest = { name: 'app', dependencies: { '@pulumi/aws': '^0.10.0', '@pulumi/cloud': '^0.10.0' }, peerDependencies: { pulumi: 'latest' } };
    await withSandbox({ '.': manifest }, async (sandbox) => {
      const source =
        "import * as aws from '@pulumi/aws';\n// a comment that mentions require('@pulumi/cloud') is not a use\nimport { " +
        'Bucket } from "@pulumi/aws/s3";\nconst azure = require(\n  \'@pulumi/azure\');\nexport { aws, Bucket, azure };\n';
      fs.writeFileSync(path.join(sandbox.workspace, 'index.ts'), source);
      fs.rmSync(path.join(sandbox.workspace, 'index.js'));
      const run = await runPolicyCheck(sandbox);
      try {
        assert.equal(run.main.exitCode, 1);
        const annotations = errorsOf(run.main)
          .filter((command) => command.properties['file'])
          .map(located);
        const undeclared = annotations.find((a) => a.rule === 'undeclared-dependency');
        assert.deepEqual(undeclared, {
          rule: 'undeclared-dependency',
          file: 'index.ts',
          ...(await positionOf(path.join(sandbox.workspace, 'index.ts'), "'@pulumi/azure'")),
        });
        const unused = annotations.find((a) => a.rule === 'strict-dependencies');
        assert.deepEqual(unused, {
          rule: 'strict-dependencies',
          file: 'package.json',
          ...(await positionOf(path.join(sandbox.workspace, 'package.json'), '"@pulumi/cloud"')),
        });
        assert.equal(annotations.length, 2, JSON.stringify(annotations));
      } finally {
        await run.cleanup();
      }
    });
  });

  it('reports a policy file with a YAML error on its line, and does not go on with defaults silently', async () => {
    await withSandbox({ '.': { name: 'app', dependencies: { '@pulumi/aws': '^0.10.0' }, peerDependencies: { pulumi: 'latest' } } }, async (sandbox) => {
      const policyFile = path.join(sandbox.workspace, '.github/pulumi-npm-policy.yml');
      fs.mkdirSync(path.dirname(policyFile), { recursive: true });
      fs.writeFileSync(policyFile, '# team policy\nrules:\n  linked-peer: [error\nminimum-version: 0.10.0\n');
      const run = await runPolicyCheck(sandbox);
      try {
        assert.equal(run.main.exitCode, 1);
        const annotation = errorsOf(run.main).find((command) => command.properties['title'] === 'policy-file');
        assert.ok(annotation, run.main.log);
        assert.equal(annotation.properties['file'], '.github/pulumi-npm-policy.yml');
        assert.ok(Number(annotation.properties['line']) >= 3, `line ${annotation.properties['line']}`);
      } finally {
        await run.cleanup();
      }
    });
  });

  it('checks a current Pulumi program with the current preset, linking nothing', async () => {
    const manifest = { name: 'today', dependencies: { '@pulumi/pulumi': '^3.0.0', '@pulumi/aws': '^6.0.0' } };
    await withSandbox({ '.': manifest }, async (sandbox) => {
      fs.writeFileSync(
        path.join(sandbox.workspace, 'index.js'),
        "const pulumi = require('@pulumi/pulumi');\nconst aws = require('@pulumi/aws');\nmodule.exports = { pulumi, aws };\n",
      );
      const policyFile = path.join(sandbox.workspace, '.github/pulumi-npm-policy.yml');
      fs.mkdirSync(path.dirname(policyFile), { recursive: true });
      fs.writeFileSync(policyFile, 'preset: current\n');
      // The `link` input keeps its default (pulumi): the preset decides that nothing is linked.
      const run = await runPolicyCheck(sandbox);
      try {
        assert.equal(run.main.exitCode, 0, run.main.log);
        assert.deepEqual(errorsOf(run.main), []);
        // The same program under the 0.10 preset breaks its rules: the preset is what made it pass.
        fs.rmSync(policyFile);
        const strict = await runPolicyCheck(sandbox, { preset: 'pulumi-0.10' });
        assert.equal(strict.main.exitCode, 1);
        assert.ok(errorsOf(strict.main).some((command) => command.properties['title'] === 'linked-peer'));
        await strict.cleanup();
      } finally {
        await run.cleanup();
      }
    });
  });
});
