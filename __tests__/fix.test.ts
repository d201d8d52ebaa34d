import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyFix, detectFormatting } from '../src/fix/apply.js';
import { planFix } from '../src/fix/plan.js';
import { fixProgram, unifiedDiff } from '../src/fix/program.js';
import { checkProgram } from '../src/policy/index.js';
import { presetConfig } from '../src/policy/presets.js';
import type { ProgramInput } from '../src/policy/types.js';
import { readNpmLockfile } from '../src/package-managers/npm/lockfile.js';
import { policyOptions } from './support/policy.js';

/** A program at /p with package.json given as text, sources by path relative to /p. */
function program(
  packageJson: string,
  sources: Record<string, string> = { 'index.ts': 'import * as aws from "@pulumi/aws";\n' },
  lockfile?: object,
): ProgramInput {
  const input: ProgramInput = {
    dir: '/p',
    packageJson: { path: '/p/package.json', text: packageJson },
    sources: Object.entries(sources).map(([path, text]) => ({ path: `/p/${path}`, text })),
  };
  if (lockfile !== undefined) input.lockfile = readNpmLockfile({ path: '/p/package-lock.json', text: JSON.stringify(lockfile) });
  return input;
}

async function fixed(input: ProgramInput, options = policyOptions()) {
  const result = await fixProgram(input, options);
  return { ...result, text: result.fixes.find((fix) => fix.file === input.packageJson.path)?.after ?? input.packageJson.text };
}

const PRE_0_10 = `{
    "name": "webserver",
    "version": "0.1",
    "scripts": {
        "build": "tsc"
    },
    "devDependencies": {
        "typescript": "^2.5.3"
    },
    "peerDependencies": {
        "@pulumi/aws": "*",
        "pulumi": "*"
    },
    "dependencies": {
        "@types/node": "^8.0.26"
    }
}
`;

describe('fix: programs written before 0.10', () => {
  it('moves peer @pulumi/* entries into dependencies at ^0.10.0, after which the check passes', async () => {
    const result = await fixed(program(PRE_0_10));
    assert.equal(
      result.text,
      PRE_0_10.replace('        "@pulumi/aws": "*",\n', '')
        .replace('"pulumi": "*"', '"pulumi": "latest"')
        .replace('"@types/node": "^8.0.26"\n', '"@types/node": "^8.0.26",\n        "@pulumi/aws": "^0.10.0"\n'),
    );
    assert.deepEqual(result.fixes[0]!.changes, [
      '- peerDependencies "@pulumi/aws"',
      '+ peerDependencies "pulumi": "latest"',
      '+ dependencies "@pulumi/aws": "^0.10.0"',
    ]);
    assert.deepEqual(result.left, []);
  });

  it('adds pulumi as a "latest" peer and moves it out of dependencies, as the documents write it', async () => {
    const text = '{\n  "dependencies": {\n    "@pulumi/cloud": "^0.9.2",\n    "pulumi": "^0.9.0"\n  }\n}\n';
    const result = await fixed(program(text, { 'index.ts': 'import * as cloud from "@pulumi/cloud";\nimport * as pulumi from "pulumi";\n' }));
    assert.equal(result.text, '{\n  "dependencies": {\n    "@pulumi/cloud": "^0.10.0"\n  },\n  "peerDependencies": {\n    "pulumi": "latest"\n  }\n}\n');
    assert.deepEqual(result.left, []);
  });

  it('removes, after the move, a scope package no source loads (a second round of the check)', async () => {
    const text = '{\n  "peerDependencies": {\n    "@pulumi/aws": "*",\n    "@pulumi/cloud": "*",\n    "pulumi": "latest"\n  }\n}\n';
    const result = await fixed(program(text));
    assert.equal(result.text, '{\n  "peerDependencies": {\n    "pulumi": "latest"\n  },\n  "dependencies": {\n    "@pulumi/aws": "^0.10.0"\n  }\n}\n');
    assert.deepEqual(result.fixes[0]!.changes, [
      '- peerDependencies "@pulumi/aws"',
      '- peerDependencies "@pulumi/cloud"',
      '+ dependencies "@pulumi/aws": "^0.10.0"',
    ]);
    assert.deepEqual(result.left, []);
  });

  it('is idempotent: a second fix changes nothing', async () => {
    const once = await fixed(program(PRE_0_10));
    const twice = await fixed(program(once.text));
    assert.deepEqual(twice.fixes, []);
    assert.equal(twice.text, once.text);
  });
});

describe('fix: the file keeps its form', () => {
  it('keeps CRLF line endings and tab indentation', async () => {
    const text = '{\r\n\t"name": "p",\r\n\t"devDependencies": {\r\n\t\t"@pulumi/aws": "^0.10.0",\r\n\t\t"typescript": "^5.0.0"\r\n\t}\r\n}\r\n';
    const result = await fixed(program(text));
    assert.equal(
      result.text,
      '{\r\n\t"name": "p",\r\n\t"devDependencies": {\r\n\t\t"typescript": "^5.0.0"\r\n\t},\r\n\t"dependencies": {\r\n\t\t"@pulumi/aws": "^0.10.0"\r\n\t},\r\n' +
        '\t"peerDependencies": {\r\n\t\t"pulumi": "latest"\r\n\t}\r\n}\r\n',
    );
    assert.doesNotMatch(result.text, /[^\r]\n/);
  });

  it('keeps four-space indentation and a missing final newline', async () => {
    const text = '{\n    "dependencies": {\n        "@pulumi/aws": "0.9.4"\n    }\n}';
    const result = await fixed(program(text));
    assert.equal(
      result.text,
      '{\n    "dependencies": {\n        "@pulumi/aws": "^0.10.0"\n    },\n    "peerDependencies": {\n        "pulumi": "latest"\n    }\n}',
    );
  });

  it('keeps the key order, scripts and the devDependencies no rule names', async () => {
    const text =
      '{\n  "scripts": { "build": "tsc" },\n  "dependencies": {\n    "@pulumi/aws": "^0.10.0",\n    "@pulumi/cloud": "^0.10.0",\n' +
      '    "left-pad": "1.0.0"\n  },\n' +
      '  "devDependencies": { "typescript": "^2.5.3", "@types/node": "^8.0.0" },\n  "peerDependencies": { "pulumi": "latest" },\n  "name": "last"\n}\n';
    const result = await fixed(program(text));
    assert.equal(result.text, text.replace('    "@pulumi/cloud": "^0.10.0",\n', ''));
  });

  it('keeps a byte order mark', () => {
    const text = '\uFEFF{\n  "dependencies": {\n    "@pulumi/aws": "^0.9.0"\n  }\n}\n';
    assert.equal(applyFix(text, [{ kind: 'set', section: 'dependencies', name: '@pulumi/aws', spec: '^0.10.0' }]), text.replace('^0.9.0', '^0.10.0'));
  });

  it('leaves {} where it removed the last entry of a section, and removes a name from a bundled list', () => {
    const text = '{\n  "devDependencies": {\n    "pulumi": "latest"\n  },\n  "bundleDependencies": ["left-pad", "@pulumi/aws"],\n  "name": "p"\n}\n';
    const edits = [
      { kind: 'remove', section: 'devDependencies', name: 'pulumi' },
      { kind: 'remove', section: 'bundleDependencies', name: '@pulumi/aws' },
    ] as const;
    const result = applyFix(text, edits);
    assert.equal(result, '{\n  "devDependencies": {},\n  "bundleDependencies": ["left-pad"],\n  "name": "p"\n}\n');
    const first = applyFix(text, [{ kind: 'remove', section: 'bundleDependencies', name: 'left-pad' }]);
    assert.match(first, /"bundleDependencies": \["@pulumi\/aws"\],/);
    assert.equal(applyFix('{ "bundleDependencies": ["a"] }', [{ kind: 'remove', section: 'bundleDependencies', name: 'a' }]), '{ "bundleDependencies": [] }');
  });

  it('detects the indentation and line ending it writes new entries with', () => {
    assert.deepEqual(detectFormatting('{\n    "a": 1\n}'), { insertSpaces: true, tabSize: 4, eol: '\n' });
    assert.deepEqual(detectFormatting('{\r\n\t"a": 1\r\n}'), { insertSpaces: false, tabSize: 1, eol: '\r\n' });
    assert.deepEqual(detectFormatting('{}'), { insertSpaces: true, tabSize: 2, eol: '\n' });
  });
});

describe('fix: each rule', () => {
  it('leaves a non-registry spec and says what to do', async () => {
    const text = '{\n  "dependencies": {\n    "@pulumi/aws": "file:../aws"\n  },\n  "peerDependencies": { "pulumi": "latest" }\n}\n';
    const result = await fixed(program(text));
    assert.equal(result.text, text);
    assert.deepEqual(result.fixes, []);
    assert.match(result.notes[0]!.note, /^@pulumi\/aws: "file:\.\.\/aws" is not a registry range; change it by hand to "\^0\.10\.0"/);
    assert.deepEqual(
      result.left.map((finding) => finding.rule),
      ['minimum-version'],
    );
  });

  it('leaves an npm: alias and names its target', async () => {
    const text = '{\n  "dependencies": { "aws": "npm:@pulumi/aws@~0.9.5" },\n  "peerDependencies": { "pulumi": "latest" }\n}\n';
    const result = await fixed(program(text, { 'index.ts': 'import "aws";\nimport "pulumi";\n' }));
    assert.deepEqual(result.fixes, []);
    assert.equal(
      result.notes[0]!.note,
      'aws: "npm:@pulumi/aws@~0.9.5" is an alias of "@pulumi/aws"; change it by hand to "^0.10.0" if the registry should serve it.',
    );
  });

  it('adds an undeclared package with the version the lockfile resolves, else the floor', async () => {
    const sources = { 'index.ts': 'import * as aws from "@pulumi/aws";\nimport * as cloud from "@pulumi/cloud";\n' };
    const lockfile = {
      lockfileVersion: 3,
      packages: { '': {}, 'node_modules/@pulumi/aws': { version: '0.10.3', resolved: 'https://npmjs.pulumi.com/@pulumi/aws/-/aws-0.10.3.tgz' } },
    };
    const input = program('{\n  "name": "p"\n}\n', sources, lockfile);
    const options = policyOptions();
    const plan = planFix({
      packageJson: input.packageJson,
      findings: (await checkProgram(input, options)).findings,
      options,
      resolved: new Map([['@pulumi/aws', '0.10.3']]),
      addCommand: 'npm install',
    });
    assert.deepEqual(plan.edits, [
      { kind: 'set', section: 'peerDependencies', name: 'pulumi', spec: 'latest' },
      { kind: 'set', section: 'dependencies', name: '@pulumi/aws', spec: '^0.10.3' },
      { kind: 'set', section: 'dependencies', name: '@pulumi/cloud', spec: '^0.10.0' },
    ]);
    const result = await fixed(input);
    assert.match(result.text, /"@pulumi\/aws": "\^0\.10\.3",\n {4}"@pulumi\/cloud": "\^0\.10\.0"/);
  });

  it('raises a resolved version below the floor to the floor', () => {
    const input = program('{}\n');
    const finding = {
      rule: 'undeclared-dependency' as const,
      severity: 'error' as const,
      file: '/p/index.ts',
      line: 1,
      column: 1,
      message: 'm',
      package: '@pulumi/aws',
    };
    const resolved = new Map([['@pulumi/aws', '0.9.1']]);
    const plan = planFix({ packageJson: input.packageJson, findings: [finding], options: policyOptions(), resolved, addCommand: 'npm install' });
    assert.deepEqual(plan.edits, [{ kind: 'set', section: 'dependencies', name: '@pulumi/aws', spec: '^0.10.0' }]);
  });

  it('removes an unused scope package and leaves a package the policy does not allow', async () => {
    const options = policyOptions({ ...presetConfig('pulumi-0.10'), allowedPackages: ['@pulumi/aws'] });
    const text =
      '{\n  "dependencies": {\n    "@pulumi/aws": "^0.10.0",\n    "@pulumi/azure": "^0.10.0"\n  },\n  "peerDependencies": { "pulumi": "latest" }\n}\n';
    const result = await fixed(program(text, { 'index.ts': 'import "@pulumi/aws";\nimport "@pulumi/azure";\n' }), options);
    assert.deepEqual(result.fixes, []);
    assert.match(result.notes[0]!.note, /^@pulumi\/azure: "@pulumi\/azure" is not one of the packages the policy allows/);
    const unused = await fixed(program(text, { 'index.ts': 'import "@pulumi/aws";\n' }));
    assert.equal(unused.text, text.replace(',\n    "@pulumi/azure": "^0.10.0"', ''));
  });

  it('reports lockfile findings without fixing them', async () => {
    const lockfile = {
      lockfileVersion: 3,
      packages: {
        '': { dependencies: { '@pulumi/aws': '^0.10.0' } },
        'node_modules/@pulumi/aws': { version: '0.10.0', resolved: 'https://registry.npmjs.org/@pulumi/aws/-/aws-0.10.0.tgz' },
      },
    };
    const text = '{\n  "dependencies": { "@pulumi/aws": "^0.10.0" },\n  "peerDependencies": { "pulumi": "latest" }\n}\n';
    const result = await fixed(program(text, undefined, lockfile));
    assert.deepEqual(result.fixes, []);
    assert.deepEqual(
      result.left.map((finding) => finding.rule),
      ['lockfile-registry', 'lockfile-registry'],
    );
  });

  it('shows a fix as a unified diff', async () => {
    const result = await fixed(program('{\n  "dependencies": {\n    "@pulumi/aws": "^0.9.0"\n  },\n  "peerDependencies": { "pulumi": "latest" }\n}\n'));
    assert.equal(
      unifiedDiff('p/package.json', result.fixes[0]!),
      '--- a/p/package.json\n+++ b/p/package.json\n@@ -1,6 +1,6 @@\n {\n   "dependencies": {\n' +
        '-    "@pulumi/aws": "^0.9.0"\n+    "@pulumi/aws": "^0.10.0"\n   },\n' +
        '   "peerDependencies": { "pulumi": "latest" }\n }\n',
    );
  });
});
