import { countLine, summaryRows } from '../policy/index.js';
import { markdownCode, markdownText } from '../util/log-text.js';
import { markdownFolder } from '../util/folder-name.js';
import { relativePosix, toPosix } from '../util/text.js';
import { managerReason } from './package-manager.js';
import { presetReason } from './preset-reason.js';
import { allFindings, type PackageManagerRecord, type Phase, type RunRecord } from './run-report.js';

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
    `| Install | ${installLine(record)} |`,
    `| Links | ${s.links.length ? s.links.map((link) => markdownCode(link)).join(', ') : 'none'} |`,
    `| Cache | ${cacheLine(record)} |`,
    `| Policy | ${markdownText(s.policy)}${s.policyFile ? ` (${markdownCode(relativePosix(workspace, s.policyFile))})` : ''} |`,
    '',
  );
  lines.push(...selectionLines(record));
  for (const program of record.programs) {
    lines.push(`### ${programHeading(toPosix(program.name))}`, '');
    const facts = [
      program.packageManager ? managerFact(program.packageManager) : undefined,
      program.installed ? `install ${program.installed}${program.installSeconds !== undefined ? ` in ${program.installSeconds.toFixed(1)} s` : ''}` : undefined,
      ...(program.links ?? []).map(
        (link) => `${markdownCode(link.name, 'text')} linked to ${markdownCode(link.target, 'text')}${link.version ? ` (${markdownText(link.version)})` : ''}`,
      ),
    ].filter(Boolean);
    if (facts.length) lines.push(...facts.map((fact) => `- ${fact}`), '');
    if (program.policy?.packages.length) lines.push(...markdownTable(summaryRows(program.policy)), '');
  }
  lines.push(`**Policy:** ${countLine(allFindings(record))}.`, '');
  if (record.phases.length) lines.push(...timingLines(record.phases), '');
  return lines.join('\n');
}

/** A program's heading: "Program `infra`", or "Program at the repository root (`.`)". */
function programHeading(name: string): string {
  return `Program ${name === '.' ? 'at ' : ''}${markdownFolder(name)}`;
}

/** The programs `auto` and the globs found, those passed over, and those `changed-since` left out. */
function selectionLines({ selection }: RunRecord): string[] {
  if (!selection) return [];
  const code = (text: string) => markdownCode(text, 'text');
  const lines: string[] = [];
  if (selection.searches.length || selection.changedSince !== undefined) {
    const found = selection.found.map(markdownFolder);
    const by = selection.searches.length ? ` (${selection.searches.map(code).join(', ')})` : '';
    lines.push(`**Programs${by}:** ${found.length ? found.join(', ') : 'none'}.`, '');
  }
  if (selection.passedOver.length) {
    lines.push(`**Passed over:** ${selection.passedOver.map((item) => `${markdownFolder(item.program)} (${markdownText(item.reason)})`).join(', ')}.`, '');
  }
  if (selection.changedSince !== undefined && selection.skipped.length) {
    const skipped = selection.skipped.map((item) => `${markdownFolder(item.program)} (${markdownText(item.reason)})`);
    lines.push(`**Skipped (changed-since ${code(selection.changedSince.slice(0, 7))}):** ${skipped.join(', ')}.`, '');
  }
  return lines;
}

/** Which package manager installs a program, and what decided it. */
function managerFact(manager: PackageManagerRecord): string {
  const version = manager.version ? ` ${markdownText(manager.version)}` : '';
  return `package manager ${markdownCode(manager.name, 'text')}${version}, from ${managerReason(manager, (text) => markdownCode(text, 'text'))}`;
}

/** Where the step's time went, in the order the phases started (overlapping phases ran side by side). */
function timingLines(phases: Phase[]): string[] {
  const rows = [...phases]
    .sort((a, b) => a.startSeconds - b.startSeconds)
    .map((phase) => [phase.name, `${phase.startSeconds.toFixed(2)} s`, `${phase.seconds.toFixed(2)} s`]);
  return ['### Timings', '', ...markdownTable([['Phase', 'Started at', 'Took'], ...rows])];
}

function installLine({ settings: { install, installCommand } }: RunRecord): string {
  if (!install) return 'off (policy check only)';
  return installCommand ? markdownCode(installCommand) : "each program's package manager's own install";
}

function presetLine({ settings: { preset } }: RunRecord): string {
  if (!preset) return 'not read';
  return `${markdownCode(preset.name)} (${markdownText(presetReason({ presetOrigin: preset.origin, presetEvidence: preset.evidence }))})`;
}

function scopeLine({ settings: { scope, registry } }: RunRecord): string {
  if (!registry) return markdownCode(scope);
  const url = markdownText(registry.url);
  if (registry.routed) return `${markdownCode(scope)} → ${url}`;
  return `${markdownCode(scope)} from the registry the package manager is configured with (${url}), not routed: no token needed`;
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
