import semver from 'semver';
import type { ProgramFiles, RunProgram } from '../policy/rules/context.js';
import { misalignedPackages, programPackages, type RangedEntry } from '../policy/rules/versions-across-programs.js';
import { applyFix } from './apply.js';
import { describeEdit, type FixEdit } from './plan.js';
import type { PackageFix } from './program.js';

/**
 * What `fix --align-versions` does across the programs of a run: every entry of a scope package that the programs
 * list on different majors (versions-across-programs) gets one range, from the highest lowest version among them,
 * in the entry's own style (`^`, `~` or exact; other ranges become `^`). In memory: the caller writes, and only when
 * asked to.
 */
export function alignVersions(programs: readonly Omit<RunProgram, 'finding'>[], workspace: string): PackageFix[] {
  const edits = new Map<string, FixEdit[]>();
  for (const group of misalignedPackages(programs, workspace)) {
    const version = group.map((item) => item.lowest).sort(semver.rcompare)[0]!;
    for (const item of group) {
      const spec = alignedSpec(item, version);
      if (spec === item.entry.spec) continue;
      const edit: FixEdit = { kind: 'set', section: item.entry.section, name: item.entry.name, spec };
      edits.set(item.file, [...(edits.get(item.file) ?? []), edit]);
    }
  }
  const texts = new Map(programs.flatMap(({ files }) => programPackages(files).map(({ packageJson }) => [packageJson.path, packageJson.text] as const)));
  return [...edits].map(([file, fileEdits]) => {
    const before = texts.get(file)!;
    return { file, before, after: applyFix(before, fileEdits), changes: fileEdits.map(describeEdit) };
  });
}

/** The entry's spec at `version`: its range's style kept, and an `npm:` alias kept as one. */
function alignedSpec({ entry, range, target }: RangedEntry, version: string): string {
  const style = semver.valid(range) !== null ? '' : /^\s*~/.test(range) ? '~' : '^';
  const aligned = `${style}${version}`;
  return entry.spec.startsWith('npm:') ? `npm:${target}@${aligned}` : aligned;
}

/** The program's files with package.json texts as `texts` gives them (after fix's own repairs, say). */
export function withTexts(files: ProgramFiles, texts: ReadonlyMap<string, string>): ProgramFiles {
  const text = texts.get(files.packageJson.path);
  const packageJson = text === undefined ? files.packageJson : { path: files.packageJson.path, text };
  return { ...files, packageJson, ...(files.workspaces && { workspaces: files.workspaces.map((member) => withTexts(member, texts)) }) };
}
