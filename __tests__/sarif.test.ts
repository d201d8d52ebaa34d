import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Log } from 'sarif';
import { parsePolicyConfig } from '../src/policy/index.js';
import { RULES } from '../src/policy/rules/index.js';
import type { Finding } from '../src/policy/types.js';
import { sarifLog } from '../src/report/sarif.js';
import { POLICY_FIXTURES, checkFixture } from './support/policy.js';

const MULTITOOL_DIR = dirname(createRequire(import.meta.url).resolve('@microsoft/sarif-multitool-linux/package.json'));

/** Findings of several kinds: package.json entries, a source file, a lockfile, a policy file, a path with a space. */
async function sampleFindings(): Promise<Finding[]> {
  const policy = await parsePolicyConfig({ path: join(POLICY_FIXTURES, 'policy-files', 'bad.yml'), text: 'rules:\n  no-such-rule: error\n' });
  const findings = [...(await checkFixture('pre-0.10')).findings, ...(await checkFixture('mixed')).findings, ...(await checkFixture('lockfile-v2')).findings];
  findings.push(...policy.findings, { ...findings[0]!, file: join(POLICY_FIXTURES, 'with space', 'package.json'), severity: 'warning' });
  return findings;
}

async function temporaryDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sarif-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('SARIF log', () => {
  it('is valid against the SARIF 2.1.0 JSON schema', async () => {
    const schema = JSON.parse(await readFile(join(MULTITOOL_DIR, 'sarif-2.1.0.json'), 'utf8')) as object;
    const validate = new Ajv2020({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
    const log = sarifLog(await sampleFindings(), POLICY_FIXTURES);
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    assert.equal(
      validate({ ...log, runs: [{ ...log.runs[0], results: [{ message: { text: 'm' }, level: 'severe' }] }] }),
      false,
      'the schema rejects a bad level',
    );
  });

  it('has help text for every rule and one result per finding, located relative to the root', async () => {
    const findings = await sampleFindings();
    const log: Log = sarifLog(findings, POLICY_FIXTURES);
    const run = log.runs[0]!;
    const ids = run.tool.driver.rules!.map((rule) => rule.id);
    for (const rule of RULES) assert.ok(ids.includes(rule.id), rule.id);
    assert.ok(ids.includes('package-json') && ids.includes('policy-file'));
    for (const rule of run.tool.driver.rules!) assert.ok(rule.shortDescription!.text.length > 10 && rule.help!.text.length > 20, rule.id);
    assert.equal(run.results!.length, findings.length);
    const first = run.results![0]!;
    assert.deepEqual(
      { ruleId: first.ruleId, level: first.level, location: first.locations![0]!.physicalLocation },
      {
        ruleId: 'scoped-in-dependencies',
        level: 'error',
        location: { artifactLocation: { uri: 'pre-0.10/package.json' }, region: { startLine: 13, startColumn: 9, endLine: 13, endColumn: 27 } },
      },
    );
    assert.equal(run.tool.driver.rules![first.ruleIndex!]!.id, 'scoped-in-dependencies');
    assert.equal(run.results!.at(-1)!.locations![0]!.physicalLocation!.artifactLocation!.uri, 'with%20space/package.json');
    assert.equal(run.results!.at(-1)!.level, 'warning');
  });

  it('fingerprints a finding by rule, file and package: not by its line', async () => {
    const [finding] = await sampleFindings();
    const fingerprint = (f: Finding) => Object.values(sarifLog([f], POLICY_FIXTURES).runs[0]!.results![0]!.partialFingerprints!)[0];
    assert.match(fingerprint(finding!)!, /^[0-9a-f]{32}$/);
    assert.equal(fingerprint({ ...finding!, line: 40, endLine: 40 }), fingerprint(finding!));
    assert.notEqual(fingerprint({ ...finding!, package: '@pulumi/cloud' }), fingerprint(finding!));
    assert.notEqual(fingerprint({ ...finding!, rule: 'minimum-version' }), fingerprint(finding!));
  });

  it("passes Microsoft's SARIF validator without errors", { skip: process.platform !== 'linux' && 'the validator package ships for Linux only' }, async (t) => {
    const dir = await temporaryDir(t);
    const log = join(dir, 'findings.sarif');
    const results = join(dir, 'validation.sarif');
    await writeFile(log, JSON.stringify(sarifLog(await sampleFindings(), POLICY_FIXTURES)));
    // npm may not run the package's own postinstall (chmod): make the binary executable here.
    const tool = join(MULTITOOL_DIR, 'Sarif.Multitool');
    await chmod(tool, 0o755);
    await promisify(execFile)(tool, ['validate', '--output', results, log], { cwd: dir, timeout: 120_000 });
    const validation = JSON.parse(await readFile(results, 'utf8')) as Log;
    const errors = (validation.runs[0]!.results ?? []).filter((result) => result.level === 'error');
    assert.deepEqual(
      errors.map((result) => `${result.ruleId}: ${JSON.stringify(result.message)}`),
      [],
    );
    // The validator checks the schema only for a log that names it, as ours does.
    assert.equal(JSON.parse(await readFile(log, 'utf8')).$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
  });
});
