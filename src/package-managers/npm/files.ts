/** npm's lockfile, and npm's own record of the tree it installed. */
export const LOCKFILE = 'package-lock.json';
export const INSTALLED_LOCKFILE = 'node_modules/.package-lock.json';
/** The lockfile a package may publish; npm updates it in place of package-lock.json when a program has one. */
export const SHRINKWRAP = 'npm-shrinkwrap.json';
