/** The package.json sections whose entries npm installs; the lockfile copies these into its root entries. */
export const INSTALLED_SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;
export type InstalledSection = (typeof INSTALLED_SECTIONS)[number];

/** Every package.json section that names dependencies: the installed ones, and the bundled lists (names only). */
export const DEPENDENCY_SECTIONS = [...INSTALLED_SECTIONS, 'bundleDependencies', 'bundledDependencies'] as const;
export type DependencySection = (typeof DEPENDENCY_SECTIONS)[number];

const INSTALLED: ReadonlySet<string> = new Set(INSTALLED_SECTIONS);

export function isInstalledSection(section: string): section is InstalledSection {
  return INSTALLED.has(section);
}
