import * as path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { ActionError } from '../../util/errors.js';
import { readTextIfExists } from '../../util/files.js';
import { checkProxyRouting } from '../npm/config-check.js';
import type { ManagerContext, RunnerNetwork } from '../types.js';
import { WORKSPACE_MANIFEST, workspaceRootOf } from './files.js';

const REMOVE = 'Remove it: the action installs through a proxy of its own, which adds the token for registry-url alone.';

/** pnpm-workspace.yaml's settings (camelCase, any case or dashes here) that would take the install around the proxy. */
const NETWORK_SETTINGS: Record<string, string> = {
  httpsproxy: `the repository may not choose the install's proxy. ${REMOVE} A runner's own proxy goes in its user config or HTTPS_PROXY.`,
  httpproxy: `the repository may not choose the install's proxy. ${REMOVE} A runner's own proxy goes in its user config or HTTPS_PROXY.`,
  proxy: `the repository may not choose the install's proxy. ${REMOVE} A runner's own proxy goes in its user config or HTTPS_PROXY.`,
  noproxy: `the install would reach some hosts around the action's proxy. ${REMOVE} A runner's own list goes in NO_PROXY.`,
  ca: `pnpm would trust those certificates alone, and refuse the action's proxy. ${REMOVE} A runner's own roots go in NODE_EXTRA_CA_CERTS.`,
  cafile: `pnpm would trust those certificates alone, and refuse the action's proxy. ${REMOVE} A runner's own roots go in NODE_EXTRA_CA_CERTS.`,
};

/**
 * Whether a repository's pnpm config would take the install around the credential proxy or the scope elsewhere.
 * pnpm reads .npmrc as npm does (the program's, its workspace root's, the user's, the environment's npm_config_*): npm
 * answers for those, in each program and workspace root. pnpm 10 also reads settings from pnpm-workspace.yaml, which
 * outrank the environment (so the action's proxy variables): those are checked here, naming the file and line.
 */
export async function checkPnpmProxyRouting(pnpm: ManagerContext, programDirs: string[], scope: string, registryUrl: string): Promise<RunnerNetwork> {
  const roots = [...new Set(programDirs.map(workspaceRootOf).filter((root): root is string => root !== undefined))];
  for (const root of roots) await checkWorkspaceManifest(path.join(root, WORKSPACE_MANIFEST), scope, registryUrl);
  const npmrcFolders = [...programDirs, ...roots.filter((root) => !programDirs.includes(root))];
  return checkProxyRouting(pnpm, npmrcFolders, scope, registryUrl);
}

async function checkWorkspaceManifest(file: string, scope: string, registryUrl: string): Promise<void> {
  const text = await readTextIfExists(file).catch(() => undefined);
  if (text === undefined) return;
  const lines = new LineCounter();
  const settings = parseDocument(text, { lineCounter: lines }).contents;
  // pnpm itself reports a pnpm-workspace.yaml it cannot read.
  if (!isMap(settings)) return;
  for (const pair of settings.items) {
    if (!isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    const value = isScalar(pair.value) ? pair.value.value : pair.value?.toJSON();
    const problem = settingProblem(key, value, scope, registryUrl);
    if (problem) {
      const line = lines.linePos(pair.key.range?.[0] ?? 0).line;
      throw new ActionError(`${file} (line ${line}) sets "${key}": ${problem}`);
    }
  }
}

function settingProblem(key: string, value: unknown, scope: string, registryUrl: string): string | undefined {
  const normalized = key.toLowerCase().replace(/[-_]/g, '');
  if (NETWORK_SETTINGS[normalized]) return NETWORK_SETTINGS[normalized];
  if (normalized === 'strictssl' && (value === false || value === 'false')) return `the repository may not turn off pnpm's certificate check. ${REMOVE}`;
  if (normalized === 'registries') {
    return (
      `it replaces every registry pnpm knows, ${scope}'s route to "registry-url" (${registryUrl}) among them. ` +
      `Remove it, and route scopes with "<scope>:registry" lines in .npmrc.`
    );
  }
  if (key === `${scope}:registry`) {
    return `the repository may not route ${scope} itself: the action routes it to "registry-url" (${registryUrl}). Remove it.`;
  }
  return undefined;
}
