/** bun's lockfiles: the text one (bun 1.2+) and the binary one older bun wrote. */
export const LOCKFILE = 'bun.lock';
export const BINARY_LOCKFILE = 'bun.lockb';
/**
 * Other managers' lockfiles that bun migrates from when it has none of its own. `bun install` would then write a
 * bun.lock beside them; with --frozen-lockfile it installs what they describe and writes nothing.
 */
export const MIGRATED_LOCKFILES = ['package-lock.json', 'yarn.lock', 'pnpm-lock.yaml'] as const;
/**
 * bun keeps no record of the tree it installed in node_modules (npm has .package-lock.json): the action writes its
 * own after each install, which the cache then holds with the tree.
 */
export const INSTALL_RECORD = 'node_modules/.setup-pulumi-npm-bun.json';
