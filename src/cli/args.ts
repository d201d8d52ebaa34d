import { parseArgs } from 'node:util';
import { parsePackageList } from '../util/package-name.js';
import { PRESET_REQUESTS } from '../policy/preset-names.js';
import { RULES } from '../policy/rules/index.js';
import type { PresetRequest } from '../policy/types.js';
import type { InputName } from '../action/settings.js';

/**
 * The defaults of action.yml the command line runs with, as the action does (a test checks them against action.yml,
 * which the command line does not read at start-up).
 */
export const ACTION_DEFAULTS = { scope: '@pulumi', 'policy-file': '.github/pulumi-npm-policy.yml' } as const satisfies Partial<Record<InputName, string>>;

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
type Format = (typeof FORMATS)[number];

export interface CommandLine {
  command: 'check' | 'fix';
  dirs: string[];
  preset: PresetRequest | undefined;
  /** The packages installed with npm link (--link); undefined: the preset's, as the action's empty `link` input. */
  links: string[] | undefined;
  /** Given with --policy-file: it must exist. Else action.yml's default path, used when it exists. */
  policyFile: { path: string; required: boolean };
  format: Format;
  dryRun: boolean;
  /** fix: set the scope packages the programs list on different majors to one range (versions-across-programs). */
  alignVersions: boolean;
}

/** Bad usage: one line for stderr, and exit code 2. */
export class UsageError extends Error {}

const COMMON_OPTIONS = `Options:
  --preset auto|current|pulumi-0.10  the policy preset (default: the policy file's, else auto: each program's layout decides)
  --link NAMES|none              packages installed with npm link, separated by spaces, commas or newlines, as the
                                 action's "link" input (default: the preset's: pulumi under pulumi-0.10, none under current)
  --policy-file FILE             the policy file (default: ${ACTION_DEFAULTS['policy-file']}, when it exists)
  -h, --help                     this help`;

/** The help's width: its lines wrap before this column. */
const HELP_WIDTH = 115;

/** `text` wrapped at HELP_WIDTH, at spaces. */
function wrap(text: string): string {
  const lines = [''];
  for (const word of text.split(' ')) {
    const line = lines.at(-1)!;
    if (line === '') lines[lines.length - 1] = word;
    else if (line.length + 1 + word.length <= HELP_WIDTH) lines[lines.length - 1] = `${line} ${word}`;
    else lines.push(word);
  }
  return lines.join('\n');
}

/** "a, b and c": the ids of the rules that fix repairs (`fixable`), or of those it leaves. */
function ruleIds(fixable: boolean): string {
  // The rules across programs have their own option (--align-versions).
  const ids = RULES.filter((rule) => rule.phase !== 'programs' && (rule.fix !== undefined) === fixable).map((rule) => rule.id);
  // Not Intl.ListFormat: loading its locale data costs every run of the command line about 30 ms.
  return ids.length > 1 ? `${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}` : ids.join('');
}

const HELP = {
  main: `Usage: setup-pulumi-npm check|fix [options] [DIR ...]

Checks Pulumi programs against the dependency policy of the setup-pulumi-npm action, and repairs package.json.

Commands:
  check   report the findings (exit 1 when there are errors)
  fix     edit package.json to repair what the rules can repair

Run "setup-pulumi-npm check --help" or "setup-pulumi-npm fix --help" for the options.`,
  check: `Usage: setup-pulumi-npm check [options] [DIR ...]

Checks each program folder DIR (default: the current folder) as the action does before the install. A DIR may be a
glob ("infra/*") or "auto" (every Node.js Pulumi program below the current folder), as in working-directory.

${COMMON_OPTIONS}
  --format text|json|sarif|github   text (default): one line per finding, then a count; json: the action's report;
                                 sarif: a SARIF 2.1.0 log; github: workflow commands (annotations)

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 bad usage or unreadable input.`,
  fix: `Usage: setup-pulumi-npm fix [options] [--dry-run] [--align-versions] [DIR ...]

${wrap(
  `Edits each program's package.json (and its workspaces') in place to repair the findings of ${ruleIds(true)}, keeping its ` +
    `formatting and every other field. The findings of ${ruleIds(false)} are reported, not fixed: run the program's package manager's ` +
    'install and commit the lockfile. ' +
    'An edit only the preset asks for is written when the preset is chosen (--preset, or the policy file), else printed as a suggestion. ' +
    'Moving @pulumi/pulumi to a new major moves the other @pulumi packages with it (read from the registry, no token), or writes neither.',
)}

${COMMON_OPTIONS}
  --dry-run                      print the unified diff instead of writing
  --align-versions               set a scope package the DIRs list on different majors to one range in all of them
                                 (the highest found, in each entry's style); without it, fix only says what it would set

Exit codes: 0 no errors left, 1 errors left that fix cannot repair, 2 bad usage or unreadable input.`,
};

/** Reads the command line; returns the help to print for --help, or throws UsageError. */
export function parseCommandLine(argv: string[]): CommandLine | { help: string } {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help') return { help: HELP.main };
  if (command !== 'check' && command !== 'fix') throw new UsageError(`unknown command "${command}": use check or fix (see setup-pulumi-npm --help).`);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        preset: { type: 'string' },
        link: { type: 'string' },
        'policy-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...(command === 'check' ? { format: { type: 'string' } } : { 'dry-run': { type: 'boolean' }, 'align-versions': { type: 'boolean' } }),
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]} (see setup-pulumi-npm ${command} --help).`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: HELP[command] };
  const format = (values as { format?: string }).format ?? 'text';
  return {
    command,
    dirs: positionals.length > 0 ? positionals : ['.'],
    preset: oneOf('--preset', values.preset, PRESET_REQUESTS),
    links: parseLinks(values.link),
    policyFile:
      values['policy-file'] === undefined ? { path: ACTION_DEFAULTS['policy-file'], required: false } : { path: values['policy-file'], required: true },
    format: oneOf('--format', format, FORMATS)!,
    dryRun: (values as { 'dry-run'?: boolean })['dry-run'] ?? false,
    alignVersions: (values as { 'align-versions'?: boolean })['align-versions'] ?? false,
  };
}

function oneOf<T extends string>(option: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T | undefined;
  throw new UsageError(`${option} is "${value}": use one of ${allowed.join(', ')}.`);
}

function parseLinks(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const invalid = (name: string) => new UsageError(`--link lists "${name}", which is not a package name: give names separated by spaces or commas, or none.`);
  const names = parsePackageList(value, /[\s,]+/, invalid);
  if (names === undefined) throw invalid(value);
  return names;
}
