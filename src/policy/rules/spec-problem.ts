import { admitsBelow, lowestAdmitted } from '../specs.js';
import { quoteEntry, type ClassifiedEntry } from './context.js';

const SOURCE_NAMES: Record<string, string> = {
  git: 'a git repository',
  remote: 'a tarball URL',
  file: 'a local tarball',
  directory: 'a local folder',
};

/** What is wrong with a scope package's spec, or undefined when it is a registry spec at or above the minimum (if any). */
export function specProblem({ entry, spec, target }: ClassifiedEntry, minimum: string | undefined, scope: string): string | undefined {
  const listed = quoteEntry(entry.name, entry.spec);
  switch (spec.kind) {
    case 'invalid':
      return `${listed} is not a valid npm version spec (${spec.reason})`;
    case 'generated-sdk':
      // Pulumi generated it from Pulumi.yaml's `packages:`: no registry serves it.
      return undefined;
    case 'manager-protocol':
      // A package of the workspace (a generated SDK, often) is linked; a catalog's range is in pnpm-workspace.yaml.
      return undefined;
    case 'elsewhere':
      return `${listed} installs from ${SOURCE_NAMES[spec.type] ?? spec.type} instead of the registry`;
    case 'tag':
    case 'range':
      if (!target.startsWith(`${scope}/`)) return `${listed} installs "${target}", a package outside ${scope}`;
      if (minimum !== undefined && spec.kind === 'range' && admitsBelow(spec.range, minimum))
        return `${listed} admits versions from ${lowestAdmitted(spec.range)}, below ${minimum}`;
      return undefined;
  }
}
