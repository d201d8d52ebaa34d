import semver from 'semver';
import { z } from 'zod';
import { isPackageName } from '../package-name.js';
import { PRESET_NAMES } from './presets.js';

const level = z.enum(['error', 'warn', 'off']);
const packageName = z.string().refine(isPackageName, 'Expected an npm package name such as "@pulumi/aws"');

/** The policy file (`.github/pulumi-npm-policy.yml`). Every key is optional; unknown keys are errors. */
export const policyFileSchema = z.strictObject({
  preset: z.enum(PRESET_NAMES as ['pulumi-0.10', 'current']).optional(),
  rules: z
    .strictObject({
      'scoped-in-dependencies': level,
      'linked-peer': level,
      'minimum-version': level,
      'strict-dependencies': level,
      'undeclared-dependency': level,
      'lockfile-registry': level,
      'consistent-versions': level,
      'installed-tree': level,
    })
    .partial()
    .optional(),
  'minimum-version': z
    .string()
    .refine((value) => semver.valid(value) !== null, 'Expected a version such as "0.10.0"')
    .optional(),
  packages: z.array(packageName).optional(),
  implied: z
    .array(
      z.strictObject({
        package: packageName,
        by: packageName,
        when: z.strictObject({ config: z.string().min(1), equals: z.string() }).optional(),
      }),
    )
    .optional(),
  ignore: z
    .strictObject({
      packages: z.array(packageName).optional(),
      paths: z.array(z.string().min(1)).optional(),
    })
    .optional(),
});

export type PolicyFile = z.infer<typeof policyFileSchema>;
