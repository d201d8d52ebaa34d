import { dirname } from 'node:path';
import { findingAt } from './finding.js';
import { PROGRAM_CHECK } from './input-checks.js';
import { parseManifest } from './manifest.js';
import type { Finding, PolicyConfig, ProgramInput } from './types.js';
import { relativePosix } from '../util/text.js';

/**
 * Why a package is not a Pulumi program, under the current preset (the 0.10 preset keeps the documents' rules for
 * every package); undefined for a program. A package with a Pulumi.yaml of its own (in its folder, or below it with
 * no package.json between) is one; one with none is not when it is a workspace's library (another package of the
 * workspace has a Pulumi.yaml), a package for others (not private, with `exports`, `types`, `files`…), or the
 * dependencies of the programs below it that have their own package.json. A package never looked at is one.
 */
export function notProgramReason(member: ProgramInput, root: ProgramInput, config: PolicyConfig): string | undefined {
  const projects = member.projects;
  if (config.preset !== 'current' || projects === undefined || projects.own.length > 0) return undefined;
  const members = [root, ...(root.workspaces ?? [])];
  if (member !== root && members.some((other) => (other.projects?.own.length ?? 0) > 0))
    return 'it has no Pulumi.yaml (in its folder or below it) while other packages of the workspace do, so it is a library of theirs';
  const manifest = parseManifest(member.packageJson).manifest;
  if (manifest !== undefined && !manifest.private && manifest.forOthers.length > 0) {
    const fields = manifest.forOthers.map((field) => `"${field}"`).join(', ');
    return `it has no Pulumi.yaml and is a package for others ("private" is not true; it declares ${fields})`;
  }
  if (projects.nested.length > 0) {
    const shown = projects.nested.slice(0, 3).map((file) => relativePosix(member.dir, file));
    const more = projects.nested.length > shown.length ? `, and ${projects.nested.length - shown.length} more` : '';
    return `it has no Pulumi.yaml of its own, and the Pulumi programs below it (${shown.join(', ')}${more}) each have their own package.json`;
  }
  return undefined;
}

/** The notice that a package is not checked as a program: the package's name first, the reason, what to do. */
export function notProgramNotice(member: ProgramInput, root: ProgramInput, reason: string): Finding {
  const manifest = parseManifest(member.packageJson).manifest;
  const folder = relativePosix(dirname(root.dir), member.dir);
  const subject = manifest?.name === undefined ? `The package in ${folder}` : `"${manifest.name}" (${folder})`;
  const remedy = member === root ? ' If it is a program, add its Pulumi.yaml; else set working-directory to the folders of the programs.' : '';
  const span = manifest?.rootSpan ?? { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
  return findingAt(
    PROGRAM_CHECK.id,
    'notice',
    member.packageJson.path,
    span,
    `${subject} is not checked as a Pulumi program: ${reason}. Only the rules for every package apply to it.${remedy}`,
    ...(manifest?.name === undefined ? [] : [manifest.name]),
  );
}
