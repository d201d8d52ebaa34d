import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parsePolicyConfig } from '../src/policy/index.js';
import { PRESET_NAMES, presetConfig } from '../src/policy/presets.js';
import { RULES } from '../src/policy/rules/index.js';
import { POLICY_FIXTURES } from './support/policy.js';

async function parseFixture(name: string) {
  const path = join(POLICY_FIXTURES, 'policy-files', name);
  return await parsePolicyConfig({ path, text: await readFile(path, 'utf8') });
}

describe('parsePolicyConfig', () => {
  it('gives the pulumi-0.10 preset when there is no policy file', async () => {
    const { config, findings } = await parsePolicyConfig(undefined);
    assert.deepEqual(findings, []);
    assert.deepEqual(config, presetConfig('pulumi-0.10'));
    assert.deepEqual(config!.minimumVersions, { '*': '0.10.0' });
    assert.deepEqual(config!.links, ['pulumi']);
    assert.equal(config!.registryUrl, 'https://npmjs.pulumi.com/');
    assert.equal(config!.presetOrigin, 'default');
    assert.equal(config.rules['consistent-versions'], 'warn');
    assert.deepEqual(config.impliedUses, [{ package: '@pulumi/cloud-aws', by: '@pulumi/cloud', when: { config: 'cloud:provider', equals: 'aws' } }]);
  });

  it('reads every key of a valid file over its preset', async () => {
    const { config, findings } = await parseFixture('valid.yml');
    assert.deepEqual(findings, []);
    assert.ok(config);
    assert.equal(config.preset, 'current');
    assert.equal(config.presetOrigin, 'policy file');
    assert.deepEqual(config.links, []);
    assert.equal(config.registryUrl, undefined);
    assert.deepEqual(config.minimumVersions, { '*': '1.0.0' });
    assert.deepEqual(config.allowedPackages, ['@pulumi/pulumi', '@pulumi/aws']);
    assert.equal(config.rules['consistent-versions'], 'warn');
    assert.equal(config.rules['strict-dependencies'], 'off');
    assert.equal(config.rules['linked-peer'], 'error');
    assert.deepEqual(config.impliedUses, [{ package: '@pulumi/aws-native', by: '@pulumi/aws', when: { config: 'aws:useNative', equals: 'true' } }]);
    assert.deepEqual(config.ignorePackages, ['@pulumi/legacy']);
    assert.deepEqual(config.ignorePaths, ['scripts/', '**/*.generated.ts']);
    assert.equal(config.file, join(POLICY_FIXTURES, 'policy-files', 'valid.yml'));
  });

  it('reports each schema violation on its line, and gives no config to fall back on', async () => {
    const { config, findings } = await parseFixture('invalid.yml');
    assert.equal(config, undefined);
    assert.ok(findings.every((f) => f.rule === 'policy-file' && f.severity === 'error'));
    assert.deepEqual(
      findings.map((f) => [f.line, f.column, f.message]),
      [
        [1, 9, '"preset" must be one of "pulumi-0.10", "current", "auto".'],
        [3, 3, 'Unknown key "consistent-version" in "rules"; remove it or fix the spelling.'],
        [4, 16, '"rules.linked-peer" must be one of "error", "warn", "off".'],
        [5, 18, '"minimum-version": Expected a version such as "0.10.0".'],
        [6, 11, '"packages" must be a list, not a string.'],
        [8, 5, '"implied[0].by" is missing; add it (a string).'],
        [9, 11, '"implied[0].when.equals" is missing; add it (a string).'],
        [11, 11, '"ignore.paths[0]" must be a string, not a number.'],
        [12, 1, 'Unknown key "link" in the policy file; remove it or fix the spelling.'],
      ],
    );
  });

  it('reports a YAML syntax error and a duplicate key at their lines', async () => {
    const syntax = await parseFixture('not-yaml.yml');
    assert.deepEqual(
      syntax.findings.map((f) => [f.rule, f.line]),
      [['policy-file', 3]],
    );
    assert.match(syntax.findings[0]!.message, /^The policy file is not valid YAML: /);
    const duplicate = await parseFixture('duplicate-key.yml');
    assert.deepEqual(
      duplicate.findings.map((f) => [f.line, f.column]),
      [[3, 1]],
    );
    assert.match(duplicate.findings[0]!.message, /Map keys must be unique/);
  });

  it('takes every rule of the list, and only those, as a key of "rules"; each preset gives each rule its level', async () => {
    for (const rule of RULES) {
      const { config, findings } = await parsePolicyConfig({ path: '/p.yml', text: `preset: current\nrules:\n  ${rule.id}: off\n` });
      assert.deepEqual(findings, []);
      assert.deepEqual(config!.rules, { ...presetConfig('current').rules, [rule.id]: 'off' });
      for (const preset of PRESET_NAMES) assert.equal(presetConfig(preset).rules[rule.id], rule.defaults[preset]);
    }
    assert.deepEqual(
      Object.keys(presetConfig('pulumi-0.10').rules),
      RULES.map((rule) => rule.id),
    );
    const inputErrors = await parsePolicyConfig({ path: '/p.yml', text: 'rules:\n  package-json: off\n  policy-file: off\n' });
    assert.deepEqual(
      inputErrors.findings.map((f) => f.message),
      ['Unknown keys "package-json", "policy-file" in "rules"; remove them or fix the spelling.'],
    );
  });

  it('takes the preset from the input over the file, and names where it came from', async () => {
    const fromInput = await parsePolicyConfig({ path: '/p.yml', text: 'preset: pulumi-0.10\n' }, 'current');
    assert.deepEqual([fromInput.config?.preset, fromInput.config?.presetOrigin], ['current', 'input']);
    const noFile = await parsePolicyConfig(undefined, 'current');
    assert.deepEqual([noFile.config?.preset, noFile.config?.presetOrigin, noFile.config?.minimumVersions], ['current', 'input', { '@pulumi/pulumi': '3.0.0' }]);
  });

  it('reads per-package floors and scope globs in every key that names packages', async () => {
    const text = [
      'preset: current',
      'minimum-version: { "@pulumi/pulumi": "3.0.0", "@pulumi/*": "1.0.0" }',
      'packages: ["@pulumi/*"]',
      'implied: [{ package: "@pulumi/aws-native", by: "@pulumi/*" }]',
      'ignore: { packages: ["@pulumi/legacy-*", "@pulumi/*"] }',
      '',
    ].join('\n');
    const { config, findings } = await parsePolicyConfig({ path: '/p.yml', text });
    assert.deepEqual(
      findings.map((f) => [f.line, f.message]),
      [[5, '"ignore.packages[0]": Expected an npm package name such as "@pulumi/aws", or a scope glob such as "@pulumi/*".']],
    );
    assert.equal(config, undefined);
    const valid = await parsePolicyConfig({ path: '/p.yml', text: text.replace('"@pulumi/legacy-*", ', '') });
    assert.deepEqual(valid.findings, []);
    assert.deepEqual(valid.config?.minimumVersions, { '@pulumi/pulumi': '3.0.0', '@pulumi/*': '1.0.0' });
    assert.deepEqual(valid.config?.impliedUses, [{ package: '@pulumi/aws-native', by: '@pulumi/*' }]);
  });

  it('reads an empty file as the defaults, and a list as an error', async () => {
    assert.deepEqual((await parsePolicyConfig({ path: '/p.yml', text: '# nothing yet\n' })).findings, []);
    assert.deepEqual(
      (await parsePolicyConfig({ path: '/p.yml', text: '- a\n' })).findings.map((f) => f.message),
      ['The policy file must be a mapping, not a list.'],
    );
  });
});

/** What differs between a README's rule table (under "The dependency policy") and the list of rules: ids, order, levels. */
function ruleTableProblems(readme: string): string[] {
  const section = readme.split(/^## /m).find((part) => part.startsWith('The dependency policy\n')) ?? '';
  const [header = [], ...rows] = section
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[-| ]+\|$/.test(line))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim().replace(/`/g, '')),
    );
  const problems: string[] = [];
  const presets = header.slice(2);
  if (presets.join() !== PRESET_NAMES.join()) problems.push(`the table's level columns are ${presets.join(', ')}, not ${PRESET_NAMES.join(', ')}`);
  const ids = rows.map((row) => row[0]);
  if (ids.join() !== RULES.map((rule) => rule.id).join()) problems.push(`the table lists ${ids.join(', ')}`);
  for (const rule of RULES) {
    const levels = rows.find((row) => row[0] === rule.id)?.slice(2);
    const expected = PRESET_NAMES.map((preset) => rule.defaults[preset]);
    if (levels !== undefined && levels.join() !== expected.join())
      problems.push(`${rule.id}: the table gives ${levels.join(', ')}, the rule ${expected.join(', ')}`);
  }
  return problems;
}

describe("the README's rule table", () => {
  it('lists the rules in their order, with their level in each preset', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    assert.deepEqual(ruleTableProblems(readme), []);
  });

  it('finds a rule out of order, a missing one and a wrong level', () => {
    const rows = RULES.map((rule) => `| \`${rule.id}\` | x | ${PRESET_NAMES.map((preset) => rule.defaults[preset]).join(' | ')} |`);
    const table = (lines: string[]) =>
      ['## The dependency policy', '', `| rule | finding | ${PRESET_NAMES.join(' | ')} |`, '|---|---|---|---|', ...lines, ''].join('\n');
    assert.deepEqual(ruleTableProblems(table(rows)), []);
    const [first, second, ...rest] = rows;
    assert.equal(ruleTableProblems(table([second!, first!, ...rest])).length, 1);
    assert.equal(ruleTableProblems(table(rows.slice(1))).length, 1);
    const wrongLevel = rows.map((row) => (row.startsWith('| `consistent-versions`') ? row.replace(/\| warn \|$/, '| off |') : row));
    assert.deepEqual(ruleTableProblems(table(wrongLevel)), ['consistent-versions: the table gives warn, off, the rule warn, warn']);
  });
});
