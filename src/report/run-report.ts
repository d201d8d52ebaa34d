import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as core from '@actions/core';
import type { Finding, ProgramReport } from '../policy/index.js';
import { countLine, summaryRows, totals } from '../policy/index.js';
import type { VerifiedLink } from '../package-managers/types.js';
import type { Phase } from '../action/phases.js';
import { markdownCode, markdownText, redactUrlCredentials } from '../util/log-text.js';
import { relativePosix, toPosix } from '../util/text.js';

/** Everything a run found and did: the JSON report, the job summary and the outputs are all made from this. */
export interface RunRecord {
  /** Paths in the report and the summary are shown relative to it. */
  workspace: string;
  settings: {
    /** The preset that ran and where it came from; undefined when the run stopped before the policy file was read. */
    preset: { name: string; origin: string } | undefined;
    /** Where npm resolves the scope: a routed registry (scoped .npmrc, token), or npm's own. */
    registry: { url: string; routed: boolean } | undefined;
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
  /** Each phase of the main step with its start and duration; phases may overlap. */
  phases: Phase[];
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

export { countLine } from '../policy/index.js';

/** Findings as they may be printed: their messages quote the user's files, lockfile URLs with credentials among them. */
export function printableFindings(findings: Finding[]): Finding[] {
  return findings.map((finding) => ({ ...finding, message: redactUrlCredentials(finding.message) }));
}

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
    else if (finding.severity === 'warning') core.warning(finding.message, properties);
    else core.notice(finding.message, properties);
  }
}

/** The job summary: what was configured, installed, linked and found. Pure, so it can be tested as text. */
export function summaryMarkdown(record: RunRecord): string {
  const workspace = record.workspace;
  const lines: string[] = ['## Setup Pulumi npm', ''];
  lines.push(record.failure ? `**Failed:** ${markdownText(record.failure)}` : '**Succeeded.**', '');
  const s = record.settings;
  lines.push(
    '| Setting | Value |',
    '| --- | --- |',
    `| Preset | ${presetLine(record)} |`,
    `| Scope | ${scopeLine(record)} |`,
    `| Token | ${tokenLine(record)} |`,
    `| npm config | ${npmrcLine(record)} |`,
    `| Install | ${s.install ? markdownCode(s.installCommand) : 'off (policy check only)'} |`,
    `| Links | ${s.links.length ? s.links.map(markdownCode).join(', ') : 'none'} |`,
    `| Cache | ${cacheLine(record)} |`,
    `| Policy | ${s.policy}${s.policyFile ? ` (${markdownCode(relativePosix(workspace, s.policyFile))})` : ''} |`,
    '',
  );
  for (const program of record.programs) {
    lines.push(`### Program ${markdownCode(toPosix(program.name))}`, '');
    const facts = [
      program.installed ? `install ${program.installed}${program.installSeconds !== undefined ? ` in ${program.installSeconds.toFixed(1)} s` : ''}` : undefined,
      program.scripts?.length ? `install scripts run without the token: ${program.scripts.map(markdownCode).join(', ')}` : undefined,
      ...(program.links ?? []).map(
        (link) => `${markdownCode(link.name)} linked to ${markdownCode(link.target)}${link.version ? ` (${markdownText(link.version)})` : ''}`,
      ),
    ].filter(Boolean);
    if (facts.length) lines.push(...facts.map((fact) => `- ${fact}`), '');
    if (program.policy?.packages.length) lines.push(...markdownTable(summaryRows(program.policy)), '');
  }
  lines.push(`**Policy:** ${countLine(allFindings(record))}.`, '');
  if (record.phases.length) lines.push(...timingLines(record.phases), '');
  return lines.join('\n');
}

/** Where the step's time went, in the order the phases started (overlapping phases ran side by side). */
function timingLines(phases: Phase[]): string[] {
  const rows = [...phases]
    .sort((a, b) => a.startSeconds - b.startSeconds)
    .map((phase) => [phase.name, `${phase.startSeconds.toFixed(2)} s`, `${phase.seconds.toFixed(2)} s`]);
  return ['### Timings', '', ...markdownTable([['Phase', 'Started at', 'Took'], ...rows])];
}

function presetLine({ settings: { preset } }: RunRecord): string {
  if (!preset) return 'not read';
  return `${markdownCode(preset.name)} (${preset.origin === 'default' ? 'the default' : `from the ${preset.origin}`})`;
}

function scopeLine({ settings: { scope, registry } }: RunRecord): string {
  if (!registry) return markdownCode(scope);
  const url = markdownText(registry.url);
  return registry.routed ? `${markdownCode(scope)} → ${url}` : `${markdownCode(scope)} from npm's registry (${url}), not routed: no token needed`;
}

function tokenLine(record: RunRecord): string {
  if (record.settings.registry?.routed === false) return record.settings.token === 'none' ? 'none needed' : 'not needed, not handed to npm';
  const source = record.settings.token;
  if (source === 'none') return 'not provided';
  const from = source === 'input' ? '"pulumi-access-token" input' : 'PULUMI_ACCESS_TOKEN variable';
  return `from the ${from}${record.registry?.username ? ` (user ${markdownCode(record.registry.username)})` : ''}`;
}

function npmrcLine({ npmrc }: RunRecord): string {
  if (!npmrc) return 'not written';
  return `${markdownCode(npmrc.file)}${npmrc.mergedFrom ? ` (keeps ${markdownCode(npmrc.mergedFrom)})` : ''}`;
}

function cacheLine(record: RunRecord): string {
  if (record.settings.cache === 'false') return 'off';
  const cache = record.cache;
  if (!cache) return `${record.settings.cache === 'restore' ? 'restore only' : 'on'}, not used`;
  const outcome = cache.hit ? 'exact hit' : cache.matchedKey ? `restored ${markdownCode(cache.matchedKey)}` : 'miss';
  return `${outcome}${cache.saved ? ', saved' : ''}${cache.note ? ` (${markdownText(cache.note)})` : ''}`;
}

function markdownTable(rows: string[][]): string[] {
  const [header, ...body] = rows;
  if (!header) return [];
  return [
    `| ${header.map(markdownText).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...body.map((row) => `| ${row.map(markdownText).join(' | ')} |`),
  ];
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
