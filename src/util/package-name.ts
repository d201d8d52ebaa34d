import validate from 'validate-npm-package-name';

/**
 * npm's own rule for the name of a package that can be published today: lower case, URL-safe, optionally scoped.
 * Such a name is also a plain folder name in node_modules, never a glob.
 */
export function isPackageName(name: string): boolean {
  return validate(name).validForNewPackages;
}

/** An npm scope such as `@pulumi`: what may stand before the slash of a scoped package name. */
export function isScope(scope: string): boolean {
  return scope.startsWith('@') && !scope.includes('/') && isPackageName(`${scope}/name`);
}

/**
 * The package names a user lists (the action's `link` input, the command line's --link), each once, split at
 * `separators`; "none" alone lists none ([]); undefined when the text names nothing. A name npm would refuse throws
 * `invalid(name)`, the caller's error for where the list was given.
 */
export function parsePackageList(text: string, separators: RegExp, invalid: (name: string) => Error): string[] | undefined {
  const names = [...new Set(text.split(separators).filter(Boolean))];
  if (names.length === 0) return undefined;
  if (names.length === 1 && names[0] === 'none') return [];
  const bad = names.find((name) => !isPackageName(name));
  if (bad !== undefined) throw invalid(bad);
  return names;
}
