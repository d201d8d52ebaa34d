import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as core from '@actions/core';
import type { Finding, ProgramReport } from './policy/index.js';
import { countLine, summaryRows, totals } from './policy/index.js';
import type { VerifiedLink } from './link.js';
import { relativePosix, toPosix } from './util/text.js';

/** Everything a run found and did: the JSON report, the job summary and the outputs are all made from this. */
export interface RunRecord {
  /** Paths in the report and the summary are shown relative to it. */
  workspace: string;
  settings: {
    registryUrl: string;
    scope: string;
    workingDirectories: string[];
    install: boolean;
    installCommand: string;
    links: string[];
    cache: string;
    policy: string;
    policyFile: string | undefined;
    token: 'input' | 'environment' | 'none';
  };
  npmrc?: { file: string; mergedFrom: string | undefined };
  registry?: { username: string | undefined; checkedPackage: string | undefined };
  cache?: CacheRecord;
  programs: ProgramRecord[];
  failure?: string;
}

export interface CacheRecord {
  hit: boolean;
  primaryKey: string;
  matchedKey: string | undefined;
  saved: boolean;
  /** A warning or notice about the cache, for the summary. */
  note: string | undefined;
}

export interface ProgramRecord {
  dir: string;
  /** The folder relative to the workspace, as messages name it. */
  name: string;
  policy?: ProgramReport;
  installed?: 'ran' | 'skipped (cache hit)';
  installSeconds?: number;
  /** The program's own lifecycle scripts run after the install, without the token. */
  scripts?: string[];
  links?: VerifiedLink[];
}

export function allFindings(record: RunRecord): Finding[] {
  return record.programs.flatMap((program) => program.policy?.findings ?? []);
}

export { countLine } from './policy/index.js';

/** Findings become annotations on the exact line and column, with paths relative to the repository as GitHub wants. */
export function annotate(findings: Finding[], workspace: string): void {
  for (const finding of findings) {
    const properties: core.AnnotationProperties = {
      title: finding.rule,
      file: relativePosix(workspace, finding.file),
      startLine: finding.line,
      startColumn: finding.column,
    };
    if (finding.endLine !== undefined) properties.endLine = finding.endLine;
    // GitHub ignores columns on multi-line annotations.
    if (finding.endColumn !== undefined && (finding.endLine ?? finding.line) === finding.line) properties.endColumn = finding.endColumn;
    if (finding.severity === 'error') core.error(finding.message, properties);
    else core.warning(finding.message, properties);
  }
}

/** The job summary: what was configured, installed, linked and found. Pure, so it can be tested as text. */
export function summaryMarkdown(record: RunRecord): string {
  const workspace = record.workspace;
  const lines: string[] = ['## Setup Pulumi npm', ''];
  lines.push(record.failure ? `**Failed:** ${record.failure}` : '**Succeeded.**', '');
  const s = record.settings;
  lines.push(
    '| Setting | Value |',
    '| --- | --- |',
    `| Scope | \`${s.scope}\` → ${s.registryUrl} |`,
    `| Token | ${tokenLine(record)} |`,
    `| npm config | ${record.npmrc ? `\`${record.npmrc.file}\`${record.npmrc.mergedFrom ? ` (keeps \`${record.npmrc.mergedFrom}\`)` : ''}` : 'not written'} |`,
    `| Install | ${s.install ? `\`${s.installCommand}\`` : 'off (policy check only)'} |`,
    `| Links | ${s.links.length ? s.links.map((name) => `\`${name}\``).join(', ') : 'none'} |`,
    `| Cache | ${cacheLine(record)} |`,
    `| Policy | ${s.policy}${s.policyFile ? ` (\`${relativePosix(workspace, s.policyFile)}\`)` : ''} |`,
    '',
  );
  for (const program of record.programs) {
    lines.push(`### Program \`${toPosix(program.name)}\``, '');
    const facts = [
      program.installed ? `install ${program.installed}${program.installSeconds !== undefined ? ` in ${program.installSeconds.toFixed(1)} s` : ''}` : undefined,
      program.scripts?.length ? `install scripts run without the token: ${program.scripts.map((name) => `\`${name}\``).join(', ')}` : undefined,
      ...(program.links ?? []).map((link) => `\`${link.name}\` linked to \`${link.target}\`${link.version ? ` (${link.version})` : ''}`),
    ].filter(Boolean);
    if (facts.length) lines.push(...facts.map((fact) => `- ${fact}`), '');
    if (program.policy?.packages.length) lines.push(...markdownTable(summaryRows(program.policy)), '');
  }
  lines.push(`**Policy:** ${countLine(allFindings(record))}.`, '');
  return lines.join('\n');
}

function tokenLine(record: RunRecord): string {
  const source = record.settings.token;
  if (source === 'none') return 'not provided';
  const from = source === 'input' ? '"pulumi-access-token" input' : 'PULUMI_ACCESS_TOKEN variable';
  return `from the ${from}${record.registry?.username ? ` (user \`${record.registry.username}\`)` : ''}`;
}

function cacheLine(record: RunRecord): string {
  if (record.settings.cache === 'false') return 'off';
  const cache = record.cache;
  if (!cache) return `${record.settings.cache === 'restore' ? 'restore only' : 'on'}, not used`;
  const outcome = cache.hit ? 'exact hit' : cache.matchedKey ? `restored \`${cache.matchedKey}\`` : 'miss';
  return `${outcome}${cache.saved ? ', saved' : ''}${cache.note ? ` (${cache.note})` : ''}`;
}

function markdownTable(rows: string[][]): string[] {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const [header, ...body] = rows;
  if (!header) return [];
  return [`| ${header.map(cell).join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...body.map((row) => `| ${row.map(cell).join(' | ')} |`)];
}

/** The JSON report, written where later steps can read it; paths relative to the workspace. */
export async function writeJsonReport(record: RunRecord, runnerTemp: string): Promise<string> {
  const file = path.join(runnerTemp, `setup-pulumi-npm-report-${process.pid}-${Date.now()}.json`);
  const relative = (file: string) => relativePosix(record.workspace, file) || '.';
  const findings = allFindings(record).map((finding) => ({ ...finding, file: relative(finding.file) }));
  const programs = record.programs.map(({ dir: _dir, name, policy, ...rest }) => ({ dir: toPosix(name), ...rest, packages: policy?.packages ?? [] }));
  const { workspace: _workspace, ...rest } = record;
  const report = { ...rest, programs, violations: totals(findings).errors, findings };
  await fs.writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
