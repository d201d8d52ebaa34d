import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { totals } from '../policy/tally.js';
import type { Finding, PackageRow } from '../policy/types.js';
import { relativePosix } from '../util/text.js';
import { allFindings, type RunRecord } from './run-report.js';

/** A program as the JSON report lists it: its folder, what the run did there (the action's record), its packages. */
interface ReportedProgram {
  dir: string;
  packages: PackageRow[];
}

/**
 * The JSON report, one shape for the action and the command line: the run's own fields (`run`, in its order; a
 * `programs` field there keeps its place), each program, the violations and every finding, with paths relative to
 * `root`. Ends with a newline.
 */
export function jsonReport(root: string, programs: ReportedProgram[], findings: Finding[], run: object = {}): string {
  const relative = (file: string) => relativePosix(root, file) || '.';
  const report = {
    ...run,
    programs: programs.map(({ dir, packages, ...done }) => ({ dir: relative(dir), ...done, packages })),
    violations: totals(findings).errors,
    findings: findings.map((finding) => ({ ...finding, file: relative(finding.file) })),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The action's JSON report, written where later steps can read it (the `report` output); returns its path. */
export async function writeJsonReport(record: RunRecord, runnerTemp: string): Promise<string> {
  const file = path.join(runnerTemp, `setup-pulumi-npm-report-${process.pid}-${Date.now()}.json`);
  const { workspace, ...run } = record;
  const programs = record.programs.map(({ name: _name, policy, ...program }) => ({ ...program, packages: policy?.packages ?? [] }));
  await writeFile(file, jsonReport(workspace, programs, allFindings(record), run));
  return file;
}
