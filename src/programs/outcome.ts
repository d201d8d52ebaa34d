import type { RunRecord } from '../report/run-report.js';
import { folderName } from '../util/folder-name.js';
import { plural, relativePosix } from '../util/text.js';
import type { ProgramSelection, WorkingDirectory } from './working-directories.js';

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The `programs` output: the program folders, relative to the workspace, "/"-separated, sorted ("." for the workspace). */
export function programFolders(directories: WorkingDirectory[], workspace: string): string[] {
  return [...new Set(directories.flatMap((dir) => dir.programs))].map((program) => relativePosix(workspace, program) || '.').sort(byName);
}

/** What the search found and changed-since left out, for the log (the summary says the same). */
export function selectionLog(selection: ProgramSelection, directories: WorkingDirectory[], workspace: string): string[] {
  const name = (dir: string) => folderName(workspace, dir);
  const lines: string[] = [];
  if (selection.searches.length) {
    const found = directories.flatMap((dir) => dir.programs).length + selection.skipped.length;
    lines.push(`working-directory (${selection.searches.join(', ')}): ${plural(found, 'program')} found.`);
  }
  if (selection.passedOver.length) lines.push(`Passed over: ${selection.passedOver.map((item) => `${name(item.dir)} (${item.reason})`).join(', ')}.`);
  if (selection.skipped.length) {
    const skipped = selection.skipped.map((item) => name(item.dir)).join(', ');
    lines.push(`changed-since ${selection.changedSince?.slice(0, 7)}: skipped ${skipped}, nothing of theirs changed.`);
  }
  return lines;
}

/** How the programs were found, with folders relative to the workspace (the report's and the summary's paths). */
export function selectionRecord(selection: ProgramSelection, directories: WorkingDirectory[], workspace: string): RunRecord['selection'] {
  const relative = (items: { dir: string; reason: string }[]) => items.map(({ dir, reason }) => ({ program: relativePosix(workspace, dir) || '.', reason }));
  return {
    searches: selection.searches,
    found: programFolders(directories, workspace),
    passedOver: relative(selection.passedOver),
    ...(selection.changedSince !== undefined && { changedSince: selection.changedSince }),
    skipped: relative(selection.skipped),
  };
}
