import semver from 'semver';
import { z } from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { isPackagePattern } from './package-pattern.js';
import { PRESET_REQUESTS } from './preset-names.js';
import { minimumVersion, RULES } from './rules/index.js';
import type { ConfigurableRuleId } from './types.js';

// zod/mini leaves messages to a locale: English, for the few issues the policy file's own messages do not word.
z.config(en());

const level = z.enum(['error', 'warn', 'off']);
const packageName = z.string().check(z.refine(isPackagePattern, 'Expected an npm package name such as "@pulumi/aws", or a scope glob such as "@pulumi/*"'));
const version = z.string().check(z.refine((value) => semver.valid(value) !== null, 'Expected a version such as "0.10.0"'));
const nonEmpty = z.string().check(z.minLength(1));
const ruleLevels = Object.fromEntries(RULES.map((rule) => [rule.id, level])) as Record<ConfigurableRuleId, typeof level>;

/** The policy file (`.github/pulumi-npm-policy.yml`). Every key is optional; unknown keys are errors. */
export const policyFileSchema = z.strictObject({
  preset: z.optional(z.enum(PRESET_REQUESTS)),
  rules: z.optional(z.partial(z.strictObject(ruleLevels))),
  // The floors, under the name of the rule that checks them: one version for the whole scope, or a floor per package name or scope glob.
  [minimumVersion.id]: z.optional(z.union([version, z.record(packageName, version)])),
  packages: z.optional(z.array(packageName)),
  implied: z.optional(
    z.array(
      z.strictObject({
        package: packageName,
        by: packageName,
        when: z.optional(z.strictObject({ config: nonEmpty, equals: z.string() })),
      }),
    ),
  ),
  ignore: z.optional(
    z.strictObject({
      packages: z.optional(z.array(packageName)),
      paths: z.optional(z.array(nonEmpty)),
    }),
  ),
});

export type PolicyFile = z.infer<typeof policyFileSchema>;
