import * as bundledCore from '@actions/core';

/** @actions/core as the action calls it: the copy bundled with it, or a host's stand-in for it (host.ts). */
export type Core = typeof bundledCore;

/** Read at each call (a live binding): host.ts may put a host's stand-in in place of the bundled copy before the steps run. */
export let core: Core = bundledCore;

/** Puts a host's @actions/core in place of the bundled one, for the rest of the process. */
export function useHostCore(host: Core): void {
  core = host;
}
