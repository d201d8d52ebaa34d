import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import { RULE_DESCRIPTIONS } from '../policy/rules/index.js';
import type { Finding } from '../policy/types.js';
import { relativePosix } from '../util/text.js';

const TOOL = 'setup-pulumi-npm';
const FINGERPRINT = 'setupPulumiNpmFinding/v1';

/**
 * A SARIF 2.1.0 log of `findings`, with file paths relative to `root` (the repository, for code scanning). Pure.
 * Each rule id carries its description; each result a fingerprint that stays put when lines move.
 */
export function sarifLog(findings: Finding[], root: string): Log {
  const ids = [...RULE_DESCRIPTIONS.keys()];
  const rules: ReportingDescriptor[] = [...RULE_DESCRIPTIONS].map(([id, { short, help }]) => ({
    id,
    shortDescription: { text: short },
    fullDescription: { text: help },
    help: { text: help },
  }));
  const results = findings.map((finding): Result => {
    // A URI reference: each path segment percent-encoded (a space is not allowed in one).
    const uri = relativePosix(root, finding.file).split('/').map(encodeURIComponent).join('/');
    const region = {
      startLine: finding.line,
      startColumn: finding.column,
      endLine: finding.endLine ?? finding.line,
      endColumn: finding.endColumn ?? finding.column,
    };
    return {
      ruleId: finding.rule,
      ruleIndex: ids.indexOf(finding.rule),
      level: finding.severity === 'error' ? 'error' : 'warning',
      message: { text: finding.message },
      locations: [{ physicalLocation: { artifactLocation: { uri }, region } }],
      partialFingerprints: { [FINGERPRINT]: fingerprint(finding, uri) },
    };
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: TOOL, rules } }, results }],
  };
}

/** The rule, the file and the package (or, for findings about no package, the message): not the line, which moves. */
function fingerprint(finding: Finding, uri: string): string {
  return createHash('sha256')
    .update([finding.rule, uri, finding.package ?? finding.message].join('\0'))
    .digest('hex')
    .slice(0, 32);
}

/** Writes the SARIF log beside the JSON report; returns its path (the `sarif` output). */
export async function writeSarifLog(findings: Finding[], workspace: string, runnerTemp: string): Promise<string> {
  const file = join(runnerTemp, `setup-pulumi-npm-report-${process.pid}-${Date.now()}.sarif`);
  await writeFile(file, `${JSON.stringify(sarifLog(findings, workspace), null, 2)}\n`);
  return file;
}
