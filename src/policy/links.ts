import type { PolicyOptions } from './types.js';

/** The packages `npm link` installs: the preset's list when it has one, else the action's `link` input. */
export function effectiveLinks(options: PolicyOptions): string[] {
  return options.config.links ?? options.links;
}
