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
