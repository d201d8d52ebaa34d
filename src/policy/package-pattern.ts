import { isPackageName } from '../util/package-name.js';

/**
 * A package in the policy file: a name (`@pulumi/aws`) or a scope glob (`@pulumi/*`, every package of the scope).
 * Every key that names packages reads them the same way.
 */
export function isPackagePattern(value: string): boolean {
  return /^@[^/]+\/\*$/.test(value) ? isPackageName(`${value.slice(0, -1)}x`) : isPackageName(value);
}

/** The key of a minimum version that holds for every package of the scope (the policy file's single minimum version). */
export const WHOLE_SCOPE = '*';

export function matchesPackage(pattern: string, name: string): boolean {
  return pattern.endsWith('/*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

export function matchesAny(patterns: readonly string[], name: string): boolean {
  return patterns.some((pattern) => matchesPackage(pattern, name));
}
