export const id = 469;
export const ids = [469];
export const modules = {

/***/ 1469:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  cacheServiceUnavailable: () => (/* reexport */ cacheServiceUnavailable),
  isInstalledTreeCurrent: () => (/* reexport */ isInstalledTreeCurrent),
  planNodeModulesCache: () => (/* reexport */ planNodeModulesCache),
  reasonNotToSave: () => (/* reexport */ reasonNotToSave),
  restoreNodeModules: () => (/* reexport */ restoreNodeModules),
  saveNodeModules: () => (/* reexport */ saveNodeModules)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/package-name.ts
var package_name = __webpack_require__(9999);
// EXTERNAL MODULE: ./src/util/text.ts
var util_text = __webpack_require__(9997);
;// CONCATENATED MODULE: ./src/cache/paths.ts





const CHILDREN = 'node_modules/*';
/**
 * The `@actions/cache` path patterns for the archive: each program's node_modules children, minus the linked
 * packages (symlinks into the global prefix, re-linked on every run). A plain `node_modules` path would take the
 * links along, because `!` patterns only drop what the globber itself matched. The patterns are relative to the
 * workspace and do not depend on what is on disk, so a save and a later restore on a fresh runner compute the same
 * cache version from them.
 */
async function cachePaths(workspace, programDirs, links) {
    for (const link of links) {
        // A link name becomes a glob pattern below: anything but a package name could match other folders.
        if (!(0,package_name/* isPackageName */.k)(link))
            throw new errors/* ActionError */.l(`"${link}" is not a package name that can be linked; use a name such as pulumi or @scope/name.`);
    }
    const realWorkspace = await realDir(workspace, `The workspace ${workspace} does not exist.`);
    const dirs = await Promise.all(programDirs.map(async (dir) => {
        const missing = `Working directory "${dir}" does not exist in the workspace; check the working-directory input.`;
        const inside = (0,external_node_path_.relative)(realWorkspace, await realDir((0,external_node_path_.resolve)(workspace, dir), missing));
        if (inside === '..' || inside.startsWith(`..${external_node_path_.sep}`) || (0,external_node_path_.isAbsolute)(inside)) {
            throw new errors/* ActionError */.l(`Working directory "${dir}" is outside the workspace ${workspace}; only node_modules inside the workspace can be cached.`);
        }
        return (0,util_text/* toPosix */.d7)(inside);
    }));
    const sortedLinks = [...new Set(links)].sort();
    return [...new Set(dirs)].sort().flatMap((dir) => patternsFor(dir === '' ? '' : `${escapeGlob(dir)}/`, sortedLinks));
}
/** The node_modules directories (relative to the workspace) that `cachePaths` patterns cover. */
function nodeModulesDirs(paths) {
    return paths
        .filter((path) => (path === CHILDREN || path.endsWith(`/${CHILDREN}`)) && !path.startsWith('!'))
        .map((path) => unescapeGlob(path.slice(0, -'/*'.length)));
}
function patternsFor(base, links) {
    const patterns = [`${base}${CHILDREN}`];
    const splitScopes = new Set();
    for (const link of links) {
        const scope = link.startsWith('@') ? link.slice(0, link.indexOf('/')) : undefined;
        if (scope && !splitScopes.has(scope)) {
            // Take the scope folder apart so that its other packages stay in the archive.
            splitScopes.add(scope);
            patterns.push(`!${base}node_modules/${scope}`, `${base}node_modules/${scope}/*`);
        }
        patterns.push(`!${base}node_modules/${link}`);
    }
    return patterns;
}
async function realDir(path, whenMissing) {
    try {
        return await (0,promises_.realpath)(path);
    }
    catch {
        throw new errors/* ActionError */.l(whenMissing);
    }
}
/** @actions/glob reads `*`, `?`, `[` and `\` as pattern syntax, and `!`, `#`, `~` at the start. */
function escapeGlob(dir) {
    const escaped = dir.replace(/\\/g, '\\\\').replace(/[[?*]/g, (char) => `[${char}]`);
    return /^[!#~]/.test(escaped) ? `./${escaped}` : escaped;
}
function unescapeGlob(pattern) {
    return pattern
        .replace(/^\.\//, '')
        .replace(/\[([[?*])\]/g, '$1')
        .replace(/\\\\/g, '\\');
}

// EXTERNAL MODULE: ./node_modules/@actions/cache/lib/cache.js + 340 modules
var cache = __webpack_require__(1691);
// EXTERNAL MODULE: ./src/util/stdout-routing.ts
var stdout_routing = __webpack_require__(6234);
// EXTERNAL MODULE: external "node:async_hooks"
var external_node_async_hooks_ = __webpack_require__(6698);
// EXTERNAL MODULE: external "node:diagnostics_channel"
var external_node_diagnostics_channel_ = __webpack_require__(3053);
;// CONCATENATED MODULE: ./src/cache/deadline.ts


const REQUEST_START = 'http.client.request.start';
/**
 * Runs `work` and, once `ms` have passed or `signal` aborts, aborts every HTTP request it still has open or opens
 * later, with an ETIMEDOUT error, for a client that takes no abort signal: Node announces each client request on a
 * diagnostics channel. Only the requests `work` makes count (by async context): the token check may run beside it.
 * A download aborted this way never reaches the extraction.
 */
async function withHttpDeadline(ms, work, signal) {
    const ownRequests = new external_node_async_hooks_.AsyncLocalStorage();
    const open = new Set();
    let stopped;
    const abort = (request) => {
        const why = stopped === 'cancelled' ? 'cache transfer cancelled' : `cache transfer exceeded ${ms} ms`;
        request.destroy(Object.assign(new Error(why), { code: 'ETIMEDOUT' }));
    };
    const onRequest = (message) => {
        if (!ownRequests.getStore())
            return;
        const { request } = message;
        if (stopped) {
            abort(request);
            return;
        }
        open.add(request);
        request.once('close', () => open.delete(request));
    };
    const stop = (why) => {
        stopped ??= why;
        for (const request of open)
            abort(request);
    };
    const onAbort = () => stop('cancelled');
    (0,external_node_diagnostics_channel_.subscribe)(REQUEST_START, onRequest);
    const timer = setTimeout(() => stop('expired'), ms);
    if (signal?.aborted)
        stop('cancelled');
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
        const value = await ownRequests.run(true, work);
        return stopped ? { value, stopped } : { value };
    }
    finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        (0,external_node_diagnostics_channel_.unsubscribe)(REQUEST_START, onRequest);
    }
}

;// CONCATENATED MODULE: ./src/cache/sdk-call.ts
/**
 * The one module that knows how `@actions/cache` behaves beyond its types. Written against @actions/cache 6.3.0 (pinned
 * exactly in package.json); before moving to another version, check each of these against its source:
 * - it globs relative paths from process.cwd() but runs tar in GITHUB_WORKSPACE, so calls run in GITHUB_WORKSPACE;
 * - it reports faults as workflow-command annotations on stdout (an error for a 5xx) rather than by throwing, so its
 *   stdout is intercepted and its annotations turned into debug lines;
 * - the texts it logs: CACHE_WRITE_DENIED_PREFIX for a read-only cache token, RESERVED_ELSEWHERE for a reservation
 *   another job holds, the "Failed to reserve cache" debug line, "Cache restore skipped" and "Cache save skipped";
 * - it takes no abort signal, applies SEGMENT_DOWNLOAD_TIMEOUT_MINS (default 10) only to downloads from Azure hosts,
 *   and gives up on an ETIMEDOUT error rather than retrying, so the restore sets its own deadline (deadline.ts).
 */



const ANNOTATION = /^::(error|warning|notice)(?: [^:]*)?::(.*?)(\r?\n)?$/;
const DEBUG = /^::debug::(.*?)\r?\n?$/;
/** The SDK's own default for one download segment (10 minutes). */
const DEFAULT_TIMEOUT_MINUTES = 10;
/** What the SDK says when another job holds the reservation of the same key and version. */
const RESERVED_ELSEWHERE = 'another job may be creating this cache';
/**
 * Service v2 says RESERVED_ELSEWHERE for any failed reservation, a request that never got an answer included; only
 * its debug line tells the two apart.
 */
const RESERVATION_REQUEST_FAILED = /^Failed to reserve cache: (?:Error: )?(Failed to CreateCacheEntry: .*)/s;
const RESTORE_SKIPPED = 'Cache restore skipped';
const SAVE_SKIPPED = 'Cache save skipped';
const cacheServiceAvailable = () => cache/* isFeatureAvailable */.w3();
/**
 * Restores `paths` within SEGMENT_DOWNLOAD_TIMEOUT_MINS, as the SDK reads it, for every host; `signal` stops a
 * transfer still under way (an extraction already running is left to finish).
 */
async function restoreWithSdk(paths, primaryKey, restoreKeys, signal) {
    const minutes = downloadTimeoutMinutes();
    const { value: { outcome, lines }, stopped, } = await withHttpDeadline(minutes * 60_000, () => callCacheSdk(() => cache/* restoreCache */.P3(paths, primaryKey, restoreKeys)), signal);
    const problem = firstProblem(outcome, lines);
    if (problem !== undefined && stopped === 'cancelled')
        return { kind: 'cancelled' };
    if (problem !== undefined)
        return { kind: 'fault', problem, timedOutAfterMinutes: stopped === 'expired' ? minutes : undefined };
    const key = outcome.ok ? outcome.value : undefined;
    if (key !== undefined)
        return { kind: 'restored', key };
    return { kind: 'miss', skipped: lines.find((line) => line.text.startsWith(RESTORE_SKIPPED))?.text };
}
async function saveWithSdk(paths, key) {
    const { outcome, lines } = await callCacheSdk(() => cache/* saveCache */.Io(paths, key));
    const said = (fragment) => lines.some((line) => line.text.includes(fragment));
    if (said(cache/* CACHE_WRITE_DENIED_PREFIX */.ip))
        return { kind: 'write-denied' };
    const requestFailure = lines.map((line) => RESERVATION_REQUEST_FAILED.exec(line.text)?.[1]).find(Boolean);
    if (!requestFailure && said(RESERVED_ELSEWHERE))
        return { kind: 'reserved-elsewhere' };
    const problem = requestFailure?.split(/\r?\n/)[0] ?? firstProblem(outcome, lines);
    if (problem !== undefined)
        return { kind: 'fault', problem };
    if (outcome.ok && outcome.value !== -1)
        return { kind: 'saved' };
    return { kind: 'not-saved', skipped: lines.find((line) => line.text.startsWith(SAVE_SKIPPED))?.text };
}
/** The time a cache download may take: SEGMENT_DOWNLOAD_TIMEOUT_MINS, as the SDK reads it. */
function downloadTimeoutMinutes() {
    const minutes = Number(process.env.SEGMENT_DOWNLOAD_TIMEOUT_MINS);
    return Number.isFinite(minutes) && minutes > 0 ? minutes : DEFAULT_TIMEOUT_MINUTES;
}
/**
 * Runs one SDK call in GITHUB_WORKSPACE, with the annotations it raises turned into debug lines and handed back, so
 * that a fault becomes one message of ours rather than the SDK's own warnings and error annotations. Only the call's
 * own output is rerouted (by async context): the policy check may print its annotations while a restore runs.
 */
async function callCacheSdk(call) {
    const lines = [];
    const originalCwd = process.cwd();
    try {
        // The runner starts the step in GITHUB_WORKSPACE, so this changes nothing there; it matters to other callers.
        process.chdir(process.env.GITHUB_WORKSPACE || originalCwd);
        const value = await (0,stdout_routing/* routeStdout */.Z)((text, onward) => onward(reroute(text, lines)), call);
        return { outcome: { ok: true, value }, lines };
    }
    catch (error) {
        return { outcome: { ok: false, error }, lines };
    }
    finally {
        process.chdir(originalCwd);
    }
}
/** The first problem the call reported (an annotation, or a thrown error), as one line. */
function firstProblem(outcome, lines) {
    const raised = lines.find((line) => line.level !== 'info' && line.level !== 'debug')?.text;
    const thrown = outcome.ok ? undefined : outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
    const problem = raised ?? thrown;
    return problem?.split(/\r?\n/)[0]?.replace(/^Failed to (restore|save): /, '');
}
function reroute(text, lines) {
    return text
        .split(/(?<=\n)/)
        .map((line) => {
        const annotation = ANNOTATION.exec(line);
        if (annotation) {
            const [, level = 'warning', data = '', eol = ''] = annotation;
            lines.push({ level: level, text: unescapeCommandData(data) });
            return `::debug::${data}${eol}`;
        }
        const debug = DEBUG.exec(line);
        if (debug)
            lines.push({ level: 'debug', text: unescapeCommandData(debug[1] ?? '') });
        else if (line.trim() && !line.startsWith('::'))
            lines.push({ level: 'info', text: line.trimEnd() });
        return line;
    })
        .join('');
}
/** Undoes @actions/core's escaping of command data. */
function unescapeCommandData(data) {
    return data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

;// CONCATENATED MODULE: ./src/cache/restore.ts





/**
 * Restores the node_modules trees of `paths` (from `cachePaths`). Faults never throw: a service that is
 * unreachable, failing or slower than SEGMENT_DOWNLOAD_TIMEOUT_MINS, or an archive that does not extract, is a miss
 * with one warning, and leaves no half-extracted tree behind; so does a download `signal` stops (the run failed
 * meanwhile). The caller checks first that the service is there.
 */
async function restoreNodeModules(paths, keys, signal) {
    const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
    const freshDirs = nodeModulesDirs(paths)
        .map((dir) => (0,external_node_path_.resolve)(workspace, dir))
        .filter((dir) => !(0,external_node_fs_.existsSync)(dir));
    const restored = await restoreWithSdk(paths, keys.primaryKey, keys.restoreKeys, signal);
    if (restored.kind === 'fault' || restored.kind === 'cancelled') {
        // A download cut short or an archive that failed midway may have left part of a tree; the install needs none.
        await Promise.all(freshDirs.map((dir) => (0,promises_.rm)(dir, { recursive: true, force: true })));
        if (restored.kind === 'cancelled')
            return { hit: false, message: { level: 'info', text: 'The restore of node_modules was stopped: the run had failed.' } };
        const text = restored.timedOutAfterMinutes !== undefined
            ? `Restoring the node_modules cache took longer than SEGMENT_DOWNLOAD_TIMEOUT_MINS (${restored.timedOutAfterMinutes} min); installing without it.`
            : `Restoring the node_modules cache failed (${restored.problem}); installing without it.`;
        return { hit: false, message: { level: 'warning', text } };
    }
    if (restored.kind === 'miss') {
        return { hit: false, message: { level: 'info', text: restored.skipped ?? `No node_modules cache for key ${keys.primaryKey}.` } };
    }
    const matchedKey = restored.key;
    const hit = matchedKey === keys.primaryKey;
    const text = hit
        ? `Restored node_modules from cache key ${matchedKey}.`
        : `Restored node_modules from the older cache key ${matchedKey}; the install brings it up to date.`;
    return { hit, matchedKey, message: { level: 'info', text } };
}

;// CONCATENATED MODULE: ./src/cache/save.ts




/**
 * Saves the node_modules trees of `paths` (from `cachePaths`) under `primaryKey`. Faults never throw: a failing
 * service, a key another job is already saving, or a read-only cache token each come back as one message. The caller
 * checks first that the service is there.
 */
async function saveNodeModules(paths, primaryKey) {
    const notSaved = (level, text) => ({ saved: false, message: { level, text } });
    const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
    if (!nodeModulesDirs(paths).some((dir) => (0,external_node_fs_.existsSync)((0,external_node_path_.resolve)(workspace, dir))))
        return notSaved('info', 'There is no node_modules to cache.');
    const outcome = await saveWithSdk(paths, primaryKey);
    switch (outcome.kind) {
        case 'saved':
            return { saved: true, message: { level: 'info', text: `Saved node_modules to cache key ${primaryKey}.` } };
        case 'write-denied':
            return notSaved('notice', 'This run may not write to the cache (its cache token is read-only); node_modules was not saved.');
        case 'reserved-elsewhere':
            return notSaved('notice', `Another job is already saving cache key ${primaryKey}; this job did not save node_modules.`);
        case 'fault':
            return notSaved('warning', `Saving the node_modules cache failed (${outcome.problem}); the job goes on.`);
        case 'not-saved':
            return notSaved('info', outcome.skipped ?? `node_modules was not saved under cache key ${primaryKey}.`);
    }
}

// EXTERNAL MODULE: ./src/policy/lockfile.ts
var policy_lockfile = __webpack_require__(4201);
// EXTERNAL MODULE: ./src/policy/sections.ts
var sections = __webpack_require__(368);
;// CONCATENATED MODULE: ./src/cache/lockfile-compare.ts


/** The fields of a lockfile entry that pin what is installed. */
const PINNING_FIELDS = ['version', 'resolved', 'integrity', 'link'];
/**
 * Why the tree npm recorded in node_modules/.package-lock.json is not the one package-lock.json describes, or
 * undefined when it is. Linked packages are left out on both sides: they are re-linked on every run. Optional
 * packages may be missing (npm skips those for other platforms). The lockfiles are given as parsed JSON.
 */
function describeMismatch(packageJson, lockfile, installedLockfile, links) {
    const wanted = (0,policy_lockfile/* lockTree */.ur)(lockfile);
    const installed = (0,policy_lockfile/* lockTree */.ur)(installedLockfile);
    if (!wanted.roots)
        return 'package-lock.json has no "packages" map (lockfileVersion 1); the install rewrites it';
    if (!installed.roots)
        return 'node_modules/.package-lock.json has no "packages" map';
    const root = wanted.roots.get('');
    for (const section of sections/* INSTALLED_SECTIONS */.MW) {
        if (canonical(Object.entries(asRecord(asRecord(packageJson)[section]))) !== canonical([...(root?.sections.get(section) ?? [])])) {
            return `package.json and package-lock.json list different ${section}`;
        }
    }
    const wantedEntries = entriesOf(wanted);
    const installedEntries = entriesOf(installed);
    const ignored = ignoredKeys(installed, links);
    for (const [key, entry] of wantedEntries) {
        if (key === '' || ignored(key))
            continue;
        const present = installedEntries.get(key);
        if (!present) {
            if (entry.optional)
                continue;
            return `${key} is in package-lock.json but not installed`;
        }
        const differing = PINNING_FIELDS.find((field) => entry[field] !== present[field]);
        if (differing)
            return `${key} has ${differing} ${String(present[differing])}, package-lock.json wants ${String(entry[differing])}`;
    }
    const extraneous = [...installedEntries.keys()].find((key) => !ignored(key) && !wantedEntries.has(key));
    return extraneous ? `${extraneous} is installed but not in package-lock.json` : undefined;
}
/** The node_modules folders the installed lockfile records (links left out), for checking that they exist. */
function recordedFolders(installedLockfile, links) {
    const installed = (0,policy_lockfile/* lockTree */.ur)(installedLockfile);
    const ignored = ignoredKeys(installed, links);
    return [...installed.packages.keys()].filter((key) => key.startsWith('node_modules/') && !ignored(key));
}
/** Every entry of the `packages` map by its key: package folders and installed packages. */
function entriesOf(tree) {
    return new Map([...(tree.roots ?? []), ...tree.packages]);
}
/** Keys belonging to a linked package: its folder, anything below it, and the link target npm records. */
function ignoredKeys(installed, links) {
    const roots = links.flatMap((link) => {
        const folder = `node_modules/${link}`;
        const entry = installed.packages.get(folder);
        const target = entry?.link ? entry.resolved : undefined;
        return target ? [folder, target] : [folder];
    });
    return (key) => roots.some((root) => key === root || key.startsWith(`${root}/`));
}
function asRecord(value) {
    return typeof value === 'object' && value !== null ? value : {};
}
/** Order-free JSON of a dependency map's string specs (the lockfile keeps no others); a missing map and an empty one are the same. */
function canonical(entries) {
    const specs = entries.filter(([, spec]) => typeof spec === 'string');
    return JSON.stringify(specs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

;// CONCATENATED MODULE: ./src/cache/verify.ts



/**
 * Whether `programDir/node_modules` is the tree its package-lock.json describes, judged from npm's own record of the
 * installed tree (node_modules/.package-lock.json) and the folders that record names. Packages in `links` are left
 * out (they are re-linked on every run). Never throws: anything unreadable makes the tree not current, and the
 * install that follows reports the real problem.
 */
async function isInstalledTreeCurrent(programDir, links = []) {
    let files;
    try {
        files = await Promise.all(['package.json', 'package-lock.json', 'node_modules/.package-lock.json'].map((file) => readJson(programDir, file)));
    }
    catch (error) {
        if (error instanceof UnreadableFile)
            return { current: false, reason: error.message };
        throw error;
    }
    const [packageJson, lockfile, installedLockfile] = files;
    const reason = describeMismatch(packageJson, lockfile, installedLockfile, links);
    if (reason)
        return { current: false, reason };
    const missing = await firstMissing(programDir, recordedFolders(installedLockfile, links));
    return missing === undefined ? { current: true } : { current: false, reason: `${missing} is recorded as installed but is missing` };
}
class UnreadableFile extends Error {
}
async function readJson(dir, file) {
    const text = await (0,promises_.readFile)((0,external_node_path_.join)(dir, file), 'utf8').catch(() => {
        throw new UnreadableFile(`${file} is missing`);
    });
    try {
        return JSON.parse(text);
    }
    catch {
        throw new UnreadableFile(`${file} is not valid JSON`);
    }
}
/**
 * The first of `folders` (relative to `dir`, in order) that is not there. Each parent folder is listed once, all at
 * once: a tree of a few hundred packages has a few dozen parents, and one lstat per package costs ten times more.
 */
async function firstMissing(dir, folders) {
    const parents = new Map();
    const listed = (parent) => parents.get(parent) ??
        parents
            .set(parent, (0,promises_.readdir)((0,external_node_path_.join)(dir, parent)).then((names) => new Set(names), () => new Set()))
            .get(parent);
    const present = await Promise.all(folders.map((folder) => listed(external_node_path_.posix.dirname(folder)).then((names) => names.has(external_node_path_.posix.basename(folder)))));
    return folders[present.indexOf(false)];
}

// EXTERNAL MODULE: ./src/cache/key.ts
var key = __webpack_require__(5877);
;// CONCATENATED MODULE: ./src/cache/plan.ts




async function planNodeModulesCache(input) {
    const keys = (0,key/* computeCacheKeys */.uO)({
        prefix: input.prefix,
        platform: process.platform,
        arch: process.arch,
        nodeVersion: input.nodeVersion,
        npmVersion: input.npmVersion,
        programs: input.programs.map((program) => ({
            dir: (0,util_text/* relativePosix */.Yn)(input.workspace, program.dir) || '.',
            packageJson: program.packageJson.text,
            ...(program.lockfile ? { lockfile: program.lockfile.text } : {}),
        })),
        installCommand: input.installCommand,
        registryUrl: input.registryUrl,
        links: input.links,
    });
    const paths = await cachePaths(input.workspace, input.programs.map((program) => program.dir), input.links);
    return { paths, ...keys };
}
/**
 * Why the main step does not save, or undefined when it does. A pull_request_target run, or any run building a
 * fork's code, executes with the base repository's cache scope: a tree installed from that code must not land there.
 */
function reasonNotToSave(mode, exactHit, eventName, untrusted) {
    if (mode !== 'true')
        return 'cache is "restore": restore only';
    if (exactHit)
        return 'the exact key was restored';
    if (eventName === 'pull_request_target')
        return 'pull_request_target runs never save';
    if (untrusted)
        return "runs that build a fork's code never save";
    return undefined;
}
/** Said once, before any cache work, so a runner without the service gets one notice rather than two. */
function cacheServiceUnavailable() {
    return cacheServiceAvailable() ? undefined : 'The Actions cache service is not available on this runner; installing without the node_modules cache.';
}

;// CONCATENATED MODULE: ./src/cache/index.ts
// The cache's entry point for the orchestrator, which loads it lazily: @actions/cache (with the Azure SDK) is most
// of the bundle, and a policy-only run should not pay for it at start-up.






/***/ })

};
