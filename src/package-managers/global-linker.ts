import type { Linker } from './types.js';

// Loaded with the first link: a run that links nothing, and a policy-only run, never need them.
const npmLink = () => import('./npm/link.js');
const globalLinks = () => import('./global-links.js');

/**
 * The links of a manager that takes its linked packages from npm's global folder (pnpm, yarn, bun: see
 * global-links.ts), `linkedBy` naming what made the links in the verification's message.
 */
export function npmGlobalFolderLinker(linkedBy: string): Linker {
  return {
    globalFolder: async (...args) => (await npmLink()).globalPackagesFolder(...args),
    register: async (...args) => (await npmLink()).registerLinkPath(...args),
    requireGlobal: async (...args) => (await npmLink()).requireGlobalLinks(...args),
    intoRestoredTree: async (context, programDir, _where, links, globalFolder) =>
      (await globalLinks()).linkFromGlobalFolder(context, programDir, links, globalFolder),
    verify: async (programDir, where, links) => (await npmLink()).verifyLinks(programDir, where, links, linkedBy),
  };
}
