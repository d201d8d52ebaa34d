import { writeFile } from 'node:fs/promises';
import { alignVersions, withTexts } from '../fix/align-versions.js';
import { unifiedDiff, type ProgramFix } from '../fix/program.js';
import { checkAcrossPrograms, type Finding, type PolicyOptions, type ProgramFiles } from '../policy/index.js';
import { relativePosix } from '../util/text.js';

/** A program's package.json files as `fix` read them, with its options and what fix did to them. */
export interface FixedProgram {
  files: ProgramFiles;
  options: PolicyOptions;
  fix: ProgramFix;
}

/**
 * After each program's own fixes, across the programs given: with `align` (--align-versions), sets the scope
 * packages the programs list on different majors to one range (a diff under `dryRun`); without it, only says what
 * it would set. Returns how many package.json files it changed, and the findings across programs left.
 */
export async function alignPrograms(
  programs: readonly FixedProgram[],
  request: { align: boolean; dryRun: boolean },
  context: { cwd: string; out(text: string): void },
): Promise<{ changed: number; left: Finding[] }> {
  const runs = programs.map(({ files, options, fix }) => ({ files: withTexts(files, afterTexts(fix.fixes)), options }));
  const aligned = alignVersions(runs, context.cwd);
  const name = (file: string) => relativePosix(context.cwd, file);
  if (!request.align && aligned.length > 0) {
    const changes = aligned.flatMap((fix) => fix.changes.map((change) => `  ${name(fix.file)}: ${change}`));
    context.out(['Programs on different majors: --align-versions would set', ...changes, ''].join('\n'));
  }
  for (const fix of request.align ? aligned : []) {
    if (request.dryRun) {
      context.out(unifiedDiff(name(fix.file), fix));
      continue;
    }
    await writeFile(fix.file, fix.after);
    context.out([`Aligned ${name(fix.file)}:`, ...fix.changes.map((change) => `  ${change}`), ''].join('\n'));
  }
  const texts = afterTexts(request.align ? aligned : []);
  const reports = checkAcrossPrograms(
    runs.map(({ files, options }, index) => ({
      files: withTexts(files, texts),
      options,
      report: { dir: files.dir, findings: programs[index]!.fix.left, packages: [] },
    })),
    context.cwd,
  );
  const left = reports.flatMap((report, index) => report.findings.slice(programs[index]!.fix.left.length));
  return { changed: request.align ? aligned.length : 0, left };
}

function afterTexts(fixes: readonly { file: string; after: string }[]): Map<string, string> {
  return new Map(fixes.map(({ file, after }) => [file, after]));
}
