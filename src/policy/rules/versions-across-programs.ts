import { basename } from 'node:path';
import semver from 'semver';
import { relativePosix } from '../../util/text.js';
import { parseManifest, type ManifestEntry } from '../manifest.js';
import { matchesAny } from '../package-pattern.js';
import { classifySpec, lowestAdmitted } from '../specs.js';
import type { Finding, PresetName } from '../types.js';
import { quoteEntry, type ProgramFiles, type RunProgram } from './context.js';
import { programsRule } from './rule.js';

/**
 * The programs of one run share a major of `@pulumi/pulumi` and of each provider package (a release line 0.<minor>
 * before 1.0). Pulumi's guidance for components: a component shared by programs on two majors brings two SDKs, and
 * two default providers, into one stack's state.
 */
export const versionsAcrossPrograms = programsRule(
  'versions-across-programs',
  { 'pulumi-0.10': 'warn', current: 'warn' },
  {
    short: 'The programs of a repository share one major of each scope package.',
    help:
      'Programs checked in one run (the working directories and their workspace members that are Pulumi programs) list a scope package on ' +
      'different majors (release lines 0.<minor> before 1.0). Code shared between them then needs two versions of the SDK or provider, and ' +
      'a stack that uses both gets two default providers in its state. Move the programs to one major; `setup-pulumi-npm fix --align-versions` ' +
      'sets every entry of the package to the highest range found.',
    check,
  },
);

/** One package.json entry of a scope package, with a registry range, in one program of the run. */
export interface RangedEntry {
  /** The index of the run's program whose report it belongs to. */
  program: number;
  /** The folder of its package.json, relative to the workspace, `/`-separated ('.' for the workspace). */
  folder: string;
  file: string;
  entry: ManifestEntry;
  /** The scope package npm installs (an `npm:` alias's target). */
  target: string;
  /** The range, without an alias's `npm:<target>@`. */
  range: string;
  /** The lowest version the range admits, and its major (`0.<minor>` before 1.0). */
  lowest: string;
  line: string;
}

/** The sections whose ranges decide what is installed: a peer range says what a package works with, not what it gets. */
const COMPARED_SECTIONS: ReadonlySet<string> = new Set(['dependencies', 'devDependencies', 'optionalDependencies']);
/** How many other programs a message names: a repository of many programs would make it a page. */
const NAMED_PROGRAMS = 5;

function check(programs: readonly RunProgram[], workspace: string): Finding[][] {
  const findings: Finding[][] = programs.map(() => []);
  for (const group of misalignedPackages(programs, workspace)) {
    for (const item of group) {
      const finding = programs[item.program]!.finding;
      const others = group.filter((other) => other.line !== item.line && other.folder !== item.folder);
      if (finding === undefined || others.length === 0) continue;
      findings[item.program]!.push(finding(item.file, item.entry.valueSpan, message(item, others), item.entry.name));
    }
  }
  return findings;
}

function message(item: RangedEntry, others: RangedEntry[]): string {
  const named = others.slice(0, NAMED_PROGRAMS).map((other) => `${other.folder} ${JSON.stringify(other.entry.spec)} (${lineName(other.line)})`);
  const more = others.length > NAMED_PROGRAMS ? ` and ${others.length - NAMED_PROGRAMS} more` : '';
  return (
    `${quoteEntry(item.entry.name, item.entry.spec)} is on ${lineName(item.line)}, other programs of this run on another: ${named.join(', ')}${more}. ` +
    `Keep the programs on one major of ${item.target}, or code shared between them needs two versions of it and a stack gets ` +
    `two default providers in its state (setup-pulumi-npm fix --align-versions sets one range; ` +
    `rule ${versionsAcrossPrograms.id} in the policy file's "rules" turns this off).`
  );
}

function lineName(line: string): string {
  return line.startsWith('0.') ? `release line ${line}` : `major ${line}`;
}

/**
 * The scope packages whose entries in the run's programs are on more than one major, each with all its entries
 * (those of programs that turn the rule off left out). Programs are compared only with programs of the same preset:
 * a program of the 0.10 layout is on 0.x by its preset's own rules, and moving it to today's majors is a migration,
 * not an alignment. A package.json that two programs of the run hold counts once, in the first.
 */
export function misalignedPackages(programs: readonly Omit<RunProgram, 'finding'>[], workspace: string): RangedEntry[][] {
  const groups = new Map<string, RangedEntry[]>();
  const seen = new Set<string>();
  for (const [index, program] of programs.entries()) {
    if (program.options.config.rules[versionsAcrossPrograms.id] === 'off') continue;
    for (const files of programPackages(program.files)) {
      if (seen.has(files.packageJson.path)) continue;
      seen.add(files.packageJson.path);
      for (const item of rangedEntries(files, program, index, workspace)) {
        const key = `${program.options.config.preset satisfies PresetName}\0${item.target}`;
        const group = groups.get(key);
        if (group) group.push(item);
        else groups.set(key, [item]);
      }
    }
  }
  return [...groups.values()].filter((group) => new Set(group.map((item) => item.line)).size > 1);
}

/** The program's own package.json, and its workspace members that are Pulumi programs (they hold a Pulumi.yaml). */
export function programPackages(files: ProgramFiles): ProgramFiles[] {
  const members = (files.workspaces ?? []).filter((member) => (member.stackConfigs ?? []).some((file) => /^Pulumi\.ya?ml$/.test(basename(file.path))));
  return [files, ...members];
}

function rangedEntries(files: ProgramFiles, program: Omit<RunProgram, 'finding'>, index: number, workspace: string): RangedEntry[] {
  const { scope, links, config } = program.options;
  const manifest = parseManifest(files.packageJson).manifest;
  const folder = relativePosix(workspace, files.dir) || '.';
  const items: RangedEntry[] = [];
  for (const entry of manifest?.entries ?? []) {
    // Most entries are other packages: only a scope name or an alias (`npm:`, which may name one) is read further.
    if (!entry.name.startsWith(`${scope}/`) && !entry.spec.startsWith('npm:')) continue;
    if (!COMPARED_SECTIONS.has(entry.section) || links.includes(entry.name) || matchesAny(config.ignorePackages, entry.name)) continue;
    // Only registry ranges: file:, link:, workspace:, git and generated SDKs are not versions of the registry's package.
    const spec = classifySpec(entry.name, entry.spec || '*', files.dir);
    if (spec.kind !== 'range' || !spec.target.startsWith(`${scope}/`)) continue;
    const lowest = lowestAdmitted(spec.range);
    if (lowest === undefined || admitsAny(spec.range, lowest)) continue;
    items.push({ program: index, folder, file: files.packageJson.path, entry, target: spec.target, range: spec.range, lowest, line: majorOf(lowest) });
  }
  return items;
}

/** `*`, `x` or `>=0`: every version, so no major of its own (`lowest`, the lowest it admits, rules most ranges out fast). */
function admitsAny(range: string, lowest: string): boolean {
  return lowest === '0.0.0' && semver.subset('*', range);
}

/** `<major>`, or `0.<minor>` before 1.0, where each minor is a release line. */
function majorOf(version: string): string {
  const { major, minor } = semver.parse(version)!;
  return major === 0 ? `0.${minor}` : `${major}`;
}
