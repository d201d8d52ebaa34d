import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { checkProgram } from '../policy/index.js';
import { installedFor, readableLockfile } from '../policy/lockfile.js';
import type { Finding, PolicyOptions, ProgramInput } from '../policy/types.js';
import { readPackageManifest } from '../util/files.js';
import { relativePosix } from '../util/text.js';
import { parseManifest } from '../policy/manifest.js';
import { undeclaredDependency } from '../policy/rules/index.js';
import { applyFix } from './apply.js';
import { describeEdit, planFix, type FixEdit, type FixPlan } from './plan.js';
import type { MetadataReader } from './registry-metadata.js';
import type { ManagerName } from '../package-managers/types.js';

/** What fix does to one package.json of a program (its own, or a workspace's). */
export interface PackageFix {
  file: string /* absolute */;
  before: string;
  after: string;
  /** The edits, as fix prints them. */
  changes: string[];
}

export interface ProgramFix {
  /** The package.json files fix changes. */
  fixes: PackageFix[];
  /** The edits only the preset `auto` chose would make: shown, not written (presetConfirmed), by package.json. */
  suggestions: { file: string; changes: string[] }[];
  /** What fix leaves to be done by hand in the findings it could have repaired, by package.json. */
  notes: { file: string; note: string }[];
  /** The findings of the check after the fixes. */
  left: Finding[];
  /** The program's package manager's commands: `add` (notes name it), `install` (updates the lockfile after a fix). */
  commands: ManagerCommands;
}

export interface ManagerCommands {
  add: string;
  install: string;
}

/** What fix may use besides the program and its policy options. */
export interface FixOptions {
  /**
   * The registry's metadata, for a fix that moves the SDK to a new major (the providers move with it). Default: the
   * registry the options name (`registryUrl`), read only when such a fix comes up, within METADATA_TIMEOUT_MS.
   */
  metadata?: MetadataReader;
  /** The program's package manager, for the commands fix names when the program has no lockfile; default npm. */
  manager?: ManagerName;
}

/** Rounds of check and fix: a fix can uncover a finding the first check did not report (a moved entry nothing loads). */
const MAX_ROUNDS = 3;

/**
 * Fixes a program and its workspaces in memory: checks, fixes, and checks again until nothing more changes. Returns
 * each changed package.json (before the first round, after the last), what is left to do by hand, and the findings
 * left. Writes nothing.
 */
export async function fixProgram(program: ProgramInput, options: PolicyOptions, fixOptions: FixOptions = {}): Promise<ProgramFix> {
  const commands = managerCommands(program, fixOptions.manager);
  let reader = fixOptions.metadata;
  const metadata = async () => (reader ??= (await import('./registry-metadata.js')).registryMetadata(options.registryUrl));
  const round: RoundContext = { options, addCommand: commands.add, metadata };
  let current = program;
  let left = (await checkProgram(current, options)).findings;
  const fixes = new Map<string, PackageFix>();
  let notes: ProgramFix['notes'] = [];
  let suggestions: ProgramFix['suggestions'] = [];
  for (let count = 0; count < MAX_ROUNDS; count++) {
    const planned = await planRound(current, left, round);
    notes = planned.flatMap(({ file, notes }) => notes.map((note) => ({ file, note })));
    suggestions = planned.flatMap(({ file, suggestions }) => (suggestions.length > 0 ? [{ file, changes: suggestions.map(describeEdit) }] : []));
    const changed = planned.filter((fix) => fix.after !== fix.before);
    if (changed.length === 0) break;
    for (const { file, before, after } of changed) {
      const original = fixes.get(file)?.before ?? before;
      fixes.set(file, { file, before: original, after, changes: netChanges(file, original, after) });
    }
    current = withFixes(current, changed);
    left = (await checkProgram(current, options)).findings;
  }
  return { fixes: [...fixes.values()], suggestions, notes, left, commands };
}

/** The commands of the lockfile's manager, else of `manager`'s (npm adds with `npm install`, the others with `add`). */
function managerCommands(program: ProgramInput, manager: ManagerName = 'npm'): ManagerCommands {
  const writer = readableLockfile(program.lockfile)?.writer;
  if (writer !== undefined) return { add: writer.add, install: writer.install };
  return { add: manager === 'npm' ? 'npm install' : `${manager} add`, install: `${manager} install` };
}

/** What every round of fixes works with. */
interface RoundContext {
  options: PolicyOptions;
  addCommand: string;
  metadata: () => Promise<MetadataReader>;
}

/** One package.json in one round of fixes. */
interface RoundFix {
  file: string;
  before: string;
  after: string;
  suggestions: FixEdit[];
  notes: string[];
}

/** One round: the fixes of each package.json for the findings of one check. */
async function planRound(program: ProgramInput, findings: Finding[], { options, addCommand, metadata }: RoundContext): Promise<RoundFix[]> {
  const lockfile = readableLockfile(program.lockfile);
  const fixes: RoundFix[] = [];
  for (const member of [program, ...(program.workspaces ?? [])]) {
    const sources = new Set(member.sources.map((source) => source.path));
    const own = findings.filter((finding) => finding.file === member.packageJson.path || sources.has(finding.file));
    const resolved = new Map<string, string>();
    for (const finding of own) {
      const name = finding.rule === undeclaredDependency.id ? finding.package : undefined;
      if (name === undefined || resolved.has(name)) continue;
      const locked = lockfile && installedFor(lockfile, relativePosix(program.dir, member.dir), name)?.version;
      const version = locked ?? (await readPackageManifest(join(member.dir, 'node_modules', name)))?.version;
      if (version !== undefined) resolved.set(name, version);
    }
    const plan = planFix({ packageJson: member.packageJson, findings: own, options, resolved, addCommand });
    await moveProvidersWithSdk(plan, member, options.scope, metadata);
    const before = member.packageJson.text;
    fixes.push({ file: member.packageJson.path, before, after: applyFix(before, plan.edits), suggestions: plan.suggestions, notes: plan.notes });
  }
  return fixes;
}

/**
 * Where the plan moves the SDK to a new major (a floor raised, say), the other scope packages move with it to the
 * releases that support it, in the same list (written or suggested): else each would keep a copy of the old SDK.
 * When that cannot be worked out, the SDK stays where it is and a note says why.
 */
async function moveProvidersWithSdk(plan: FixPlan, member: ProgramInput, scope: string, metadata: () => Promise<MetadataReader>): Promise<void> {
  const sdk = `${scope}/pulumi`;
  // The registry's metadata and the module that reads it are loaded only for such a fix.
  if (![...plan.edits, ...plan.suggestions].some((edit) => edit.kind === 'set' && edit.name === sdk)) return;
  const { sdkMoveIn, providerMoves } = await import('./sdk-major.js');
  const { MetadataError } = await import('./registry-metadata.js');
  const entries = parseManifest(member.packageJson).manifest?.entries ?? [];
  for (const edits of [plan.edits, plan.suggestions]) {
    const move = sdkMoveIn(edits, entries, sdk);
    if (move === undefined) continue;
    const planned = new Set([...plan.edits, ...plan.suggestions].map((edit) => `${edit.section}\0${edit.name}`));
    const others = entries.filter((entry) => !planned.has(`${entry.section}\0${entry.name}`));
    try {
      edits.push(...(await providerMoves(move, others, scope, member.dir, await metadata())));
    } catch (error) {
      if (!(error instanceof MetadataError)) throw error;
      edits.splice(
        edits.findIndex((edit) => edit.kind === 'set' && edit.name === sdk),
        1,
      );
      plan.notes.push(
        `${sdk}: not moved from ${JSON.stringify(move.from)} to ${JSON.stringify(move.to)}: the other ${scope} packages must move with it, and ` +
          `${error.message}; move them together by hand.`,
      );
    }
  }
}

/** The program as it reads after the fixes, to check again without writing anything. */
function withFixes(program: ProgramInput, fixes: { file: string; after: string }[]): ProgramInput {
  const after = (member: ProgramInput): ProgramInput => {
    const text = fixes.find((fix) => fix.file === member.packageJson.path)?.after ?? member.packageJson.text;
    return { ...member, packageJson: { path: member.packageJson.path, text } };
  };
  const fixed = after(program);
  if (program.workspaces !== undefined) fixed.workspaces = program.workspaces.map(after);
  return fixed;
}

/** A unified diff of one fix, with `name` (a path relative to where it is shown) in the headers. */
export function unifiedDiff(name: string, fix: PackageFix): string {
  return createTwoFilesPatch(`a/${name}`, `b/${name}`, fix.before, fix.after, undefined, undefined, { context: 3 }).replace(/^=+\n/, '');
}

/** The entries a fix added, removed or changed, as fix prints them: what changed overall, not round by round. */
function netChanges(file: string, before: string, after: string): string[] {
  const specs = (text: string) => new Map((parseManifest({ path: file, text }).manifest?.entries ?? []).map((e) => [`${e.section}\0${e.name}`, e]));
  const old = specs(before);
  const now = specs(after);
  const changes: string[] = [];
  for (const [key, entry] of old) if (!now.has(key)) changes.push(describeEdit({ kind: 'remove', section: entry.section, name: entry.name }));
  for (const [key, entry] of now) {
    if (old.get(key)?.spec !== entry.spec) changes.push(describeEdit({ kind: 'set', section: entry.section, name: entry.name, spec: entry.spec }));
  }
  return changes;
}
