// The cache's entry point for the orchestrator, which loads it lazily: @actions/cache (with the Azure SDK) is most
// of the bundle, and a policy-only run should not pay for it at start-up.
export { restoreNodeModules, type CacheMessage } from './restore.js';
export { saveNodeModules } from './save.js';
export { cacheServiceUnavailable, planNodeModulesCache, reasonNotToSave, type CachedInstall, type CacheKeyFiles, type NodeModulesCachePlan } from './plan.js';
