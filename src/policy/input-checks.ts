/**
 * The checks that are not rules one configures: malformed input is always an error, a program that fits another
 * preset gets a notice, and a package manager other than npm a warning. Each id is written here only: below the
 * types, so that the rule id type can name them.
 */

/** Malformed package.json. */
export const PACKAGE_JSON_CHECK = {
  id: 'package-json',
  description: {
    short: 'package.json is valid JSON that npm can read.',
    help: 'package.json must be a strict JSON object (no comments, no duplicate keys) with string version specs.',
  },
} as const;

/** A notice: the program's layout fits another preset. */
export const PRESET_CHECK = {
  id: 'preset',
  description: {
    short: "The program's layout fits another preset.",
    help:
      'A program of today (@pulumi/pulumi 1.0 or later in "dependencies", no linked pulumi peer) checked with the pulumi-0.10 preset: ' +
      'set "preset: current" (an input of the action, or a key of the policy file) to check it against its own layout.',
  },
} as const;

/** What a program declares as its package manager disagrees with its lockfile, or with the `package-manager` input. */
export const PACKAGE_MANAGER_CHECK = {
  id: 'package-manager',
  description: {
    short: "The program's package manager is declared once.",
    help:
      'Pulumi.yaml (runtime, runtime.options.packagemanager) or package.json ("packageManager") names one package manager and the ' +
      'lockfile present is another\'s, or the "package-manager" input overrides what the program declares: make them agree.',
  },
} as const;

/** A notice: a package that is not a Pulumi program (a library) is not checked with the program rules. */
export const PROGRAM_CHECK = {
  id: 'program',
  description: {
    short: 'The folder checked is a Pulumi program.',
    help:
      'Under the current preset, a package with no Pulumi.yaml (in its folder, or below it with no package.json between) that is a ' +
      'library of its workspace, a package for others, or the dependencies of programs below it, is not checked as a program.',
  },
} as const;

/** A malformed or invalid policy file. */
export const POLICY_FILE_CHECK = {
  id: 'policy-file',
  description: {
    short: 'The policy file is valid.',
    help: 'The policy file (.github/pulumi-npm-policy.yml) must be valid YAML that follows the schema in the README.',
  },
} as const;

export const INPUT_CHECKS = [PACKAGE_JSON_CHECK, PRESET_CHECK, PACKAGE_MANAGER_CHECK, PROGRAM_CHECK, POLICY_FILE_CHECK] as const;
export type InputCheckId = (typeof INPUT_CHECKS)[number]['id'];
