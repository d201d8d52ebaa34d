import { fixProgram, unifiedDiff } from '../fix/program.js';
import { FIXABLE_RULES } from '../fix/plan.js';
import { ACTION_DEFAULTS } from '../cli/args.js';
import type { PolicyOptions } from '../policy/types.js';
import { readProgram } from '../program-files/read.js';
import { publishedFixCommand } from './published-cli.js';
import type { ProgramRecord } from './run-report.js';
import { relativePosix, toPosix } from '../util/text.js';
import { markdownFolder } from '../util/folder-name.js';
import { markdownCode, markdownCodeBlock, markdownText } from '../util/log-text.js';

/**
 * The job summary's fixes: for each program with findings that `setup-pulumi-npm fix` repairs, the diff it would
 * apply, and how to apply it: with `releasedCli` (the published command line's version that matches the running
 * action), the command that runs that version's `fix`; otherwise (a branch, a SHA, a local run: no published version
 * holds its code) `git apply` with the diff. Reads the programs again (only those), as the check read them before the
 * install, with the policy options `readOptions` gives (asked only when there is something to fix).
 */
export async function fixSummary(
  workspace: string,
  programs: ProgramRecord[],
  readOptions: () => Promise<PolicyOptions>,
  releasedCli: string | undefined,
): Promise<string> {
  const fixable = programs.filter((program) => program.policy?.findings.some((finding) => FIXABLE_RULES.has(finding.rule)));
  if (fixable.length === 0) return '';
  const options = await readOptions();
  const lines: string[] = [];
  for (const program of fixable) {
    const name = toPosix(program.name);
    const heading = `### Fixes for ${markdownFolder(name)}`;
    let diff: string;
    let suggested: string[];
    try {
      const { fixes, suggestions } = await fixProgram(await readProgram(program.dir, options.config), options);
      diff = fixes.map((fix) => unifiedDiff(relativePosix(workspace, fix.file), fix)).join('');
      suggested = suggestions.flatMap(({ file, changes }) => changes.map((change) => `${relativePosix(workspace, file)}: ${change}`));
    } catch (error) {
      // The summary above it still gets written: the fixes are a convenience.
      lines.push(heading, '', `The fixes could not be worked out: ${markdownText((error as Error).message)}`, '');
      continue;
    }
    if (diff === '' && suggested.length === 0) continue;
    lines.push(heading, '');
    if (suggested.length > 0) lines.push(...suggestionLines(suggested, options));
    if (diff === '') continue;
    const command = releasedCli === undefined ? undefined : publishedFixCommand(releasedCli, [...fixOptions(options, workspace), shellWord(name)]);
    const apply =
      command === undefined
        ? `Save this diff as ${markdownCode('fix.patch', 'text')} and run ${markdownCode('git apply fix.patch', 'text')} at the root of ` +
          'the checkout to make these changes:'
        : `Run ${markdownCode(command, 'text')} in the repository to make these changes:`;
    lines.push(apply, '');
    lines.push(...markdownCodeBlock(diff.trimEnd(), 'diff'), '');
  }
  return lines.join('\n');
}

/**
 * Edits only the preset `auto` chose asks for: said, never in the diff or the command, since the user did not choose
 * that preset (setting it, as the input or in the policy file, makes them fixes).
 */
function suggestionLines(suggested: string[], options: PolicyOptions): string[] {
  const preset = markdownCode(options.config.preset, 'text');
  return [
    `Suggested for the preset ${preset} that \`auto\` chose, which no fix writes: ` +
      `set ${markdownCode(`preset: ${options.config.preset}`, 'text')} to make them fixes.`,
    '',
    ...suggested.map((line) => `- ${markdownText(line)}`),
    '',
  ];
}

/**
 * The command line's options that make its `fix` check as this run did: the preset and the links the inputs gave, and
 * a policy file away from the default path (each one shell word). Its defaults are the action's for the rest.
 */
function fixOptions(options: PolicyOptions, workspace: string): string[] {
  const { config } = options;
  const args: string[] = [];
  if (config.presetOrigin === 'input') args.push('--preset', config.preset);
  if (options.links.join(',') !== config.links.join(',')) args.push('--link', shellWord(options.links.join(',') || 'none'));
  const policyFile = config.file === undefined ? undefined : relativePosix(workspace, config.file);
  if (policyFile !== undefined && policyFile !== ACTION_DEFAULTS['policy-file']) args.push('--policy-file', shellWord(policyFile));
  return args;
}

/** A folder name as one shell word: as it is when plain, else single-quoted, so a copied command runs nothing it names. */
export function shellWord(name: string): string {
  return /^[\w@%+=:,./-]+$/.test(name) ? name : `'${name.replace(/'/g, `'\\''`)}'`;
}
