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
import { describeEdit, planFix } from './plan.js';

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
  /** What fix leaves to be done by hand in the findings it could have repaired, by package.json. */
  notes: { file: string; note: string }[];
  /** The findings of the check after the fixes. */
  left: Finding[];
}

/** Rounds of check and fix: a fix can uncover a finding the first check did not report (a moved entry nothing loads). */
const MAX_ROUNDS = 3;

/**
 * Fixes a program and its workspaces in memory: checks, fixes, and checks again until nothing more changes. Returns
 * each changed package.json (before the first round, after the last), what is left to do by hand, and the findings
 * left. Writes nothing.
 */
export async function fixProgram(program: ProgramInput, options: PolicyOptions): Promise<ProgramFix> {
  let current = program;
  let left = (await checkProgram(current, options)).findings;
  const fixes = new Map<string, PackageFix>();
  let notes: ProgramFix['notes'] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const planned = await planRound(current, left, options);
    notes = planned.flatMap(({ file, notes }) => notes.map((note) => ({ file, note })));
    const changed = planned.filter((fix) => fix.after !== fix.before);
    if (changed.length === 0) break;
    for (const { file, before, after } of changed) {
      const original = fixes.get(file)?.before ?? before;
      fixes.set(file, { file, before: original, after, changes: netChanges(file, original, after) });
    }
    current = withFixes(current, changed);
    left = (await checkProgram(current, options)).findings;
  }
  return { fixes: [...fixes.values()], notes, left };
}

/** One package.json in one round of fixes. */
interface RoundFix {
  file: string;
  before: string;
  after: string;
  notes: string[];
}

/** One round: the fixes of each package.json for the findings of one check. */
async function planRound(program: ProgramInput, findings: Finding[], options: PolicyOptions): Promise<RoundFix[]> {
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
    const plan = planFix({ packageJson: member.packageJson, findings: own, options, resolved });
    const before = member.packageJson.text;
    fixes.push({ file: member.packageJson.path, before, after: applyFix(before, plan.edits), notes: plan.notes });
  }
  return fixes;
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
