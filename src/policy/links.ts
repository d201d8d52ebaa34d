import type { PolicyConfig } from './types.js';

/** The packages `npm link` installs: the `link` input's (undefined when empty), else the preset's. */
export function effectiveLinks(config: PolicyConfig, linkInput: string[] | undefined): string[] {
  return linkInput ?? config.links;
}
