import type { ManagerChoice } from '../package-managers/detect.js';
import { relativePosix } from '../util/text.js';
import type { PackageManagerRecord } from './run-report.js';

/** Why a program got its package manager, for the log (`quote` leaves text as it is) and the summary (markdown code). */
export function managerReason(manager: PackageManagerRecord, quote: (text: string) => string = (text) => text): string {
  const where = manager.file ? ` in ${quote(`${manager.file}${manager.line ? `:${manager.line}` : ''}`)}` : '';
  switch (manager.source) {
    case 'input':
      return 'the "package-manager" input';
    case 'runtime':
      return `runtime: bun${where}`;
    case 'packagemanager':
      return `runtime.options.packagemanager${where}`;
    case 'packageManager':
      return `"packageManager"${where}`;
    case 'lockfile':
      return `the lockfile ${quote(manager.file ?? '')}`;
    case 'default':
      return "Pulumi's default: no declaration, no lockfile";
  }
}

/** The report's record of a program's manager: paths relative to the workspace. */
export function managerRecord(choice: ManagerChoice, workspace: string): PackageManagerRecord {
  return {
    name: choice.name,
    source: choice.source,
    ...(choice.file && { file: relativePosix(workspace, choice.file) }),
    ...(choice.line && { line: choice.line }),
  };
}
