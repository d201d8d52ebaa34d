export const id = 661;
export const ids = [661];
export const modules = {

/***/ 6661:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runPost: () => (/* binding */ runPost)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3838);
/* harmony import */ var _state_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2462);
/* harmony import */ var _user_files_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(1294);





/**
 * Post step: when main did not finish (it failed, or was killed mid-install), put back the user's files main
 * recorded; then remove the folder holding the scoped .npmrc. Runs always (post-if: always()), never fails the job.
 */
async function runPost(env = process.env) {
    await putBackUserFiles(env);
    const dir = (0,_state_js__WEBPACK_IMPORTED_MODULE_3__/* .configDir */ .yF)();
    if (!dir) {
        _actions_core__WEBPACK_IMPORTED_MODULE_2__/* .info */ .pq('Nothing to clean up: the main step wrote no npm config.');
        return;
    }
    if (!isOurFolder(dir, env['RUNNER_TEMP'])) {
        _actions_core__WEBPACK_IMPORTED_MODULE_2__/* .warning */ .$e(`Not removing ${dir}: it is not a setup-pulumi-npm folder under RUNNER_TEMP.`);
        return;
    }
    try {
        await node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rm(dir, { recursive: true, force: true });
        _actions_core__WEBPACK_IMPORTED_MODULE_2__/* .info */ .pq(`Removed the npm config folder ${dir}.`);
    }
    catch (error) {
        _actions_core__WEBPACK_IMPORTED_MODULE_2__/* .warning */ .$e(`Could not remove the npm config folder ${dir}: ${error.message}`);
    }
}
async function putBackUserFiles(env) {
    const dir = (0,_state_js__WEBPACK_IMPORTED_MODULE_3__/* .snapshotDir */ .cJ)();
    if (!dir)
        return;
    if (!isOurFolder(dir, env['RUNNER_TEMP'])) {
        _actions_core__WEBPACK_IMPORTED_MODULE_2__/* .warning */ .$e(`Not reading ${dir}: it is not a setup-pulumi-npm folder under RUNNER_TEMP.`);
        return;
    }
    try {
        if (!(0,_state_js__WEBPACK_IMPORTED_MODULE_3__/* .mainSucceeded */ .J6)()) {
            const workspace = node_path__WEBPACK_IMPORTED_MODULE_1__.resolve(env['GITHUB_WORKSPACE'] || process.cwd());
            const restored = await (0,_user_files_js__WEBPACK_IMPORTED_MODULE_4__/* .restoreUserFiles */ .L)(dir, workspace);
            if (restored.length)
                _actions_core__WEBPACK_IMPORTED_MODULE_2__/* .info */ .pq(`The main step did not finish: put back ${restored.map((file) => node_path__WEBPACK_IMPORTED_MODULE_1__.relative(workspace, file)).join(', ')} as it found them.`);
        }
        await node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rm(dir, { recursive: true, force: true });
    }
    catch (error) {
        _actions_core__WEBPACK_IMPORTED_MODULE_2__/* .warning */ .$e(`Could not put back the files the main step recorded in ${dir}: ${error.message}`);
    }
}
// The state could be tampered with between steps; only ever delete a folder this action creates.
function isOurFolder(dir, runnerTemp) {
    const resolved = node_path__WEBPACK_IMPORTED_MODULE_1__.resolve(dir);
    const parent = node_path__WEBPACK_IMPORTED_MODULE_1__.dirname(resolved);
    const underTemp = runnerTemp ? parent === node_path__WEBPACK_IMPORTED_MODULE_1__.resolve(runnerTemp) : true;
    return underTemp && node_path__WEBPACK_IMPORTED_MODULE_1__.basename(resolved).startsWith('setup-pulumi-npm-');
}


/***/ }),

/***/ 2462:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ic: () => (/* binding */ markMainSucceeded),
/* harmony export */   J6: () => (/* binding */ mainSucceeded),
/* harmony export */   UM: () => (/* binding */ markMainStarted),
/* harmony export */   cJ: () => (/* binding */ snapshotDir),
/* harmony export */   n6: () => (/* binding */ saveSnapshotDir),
/* harmony export */   vt: () => (/* binding */ saveConfigDir),
/* harmony export */   yF: () => (/* binding */ configDir)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3838);

/** What main hands to post. The runner passes it as STATE_<name> variables; it never holds the token. */
const IS_POST = 'isPost';
const CONFIG_DIR = 'configDir';
const SNAPSHOT_DIR = 'snapshotDir';
const MAIN_SUCCEEDED = 'mainSucceeded';
/**
 * Saved first thing in main, so post knows it is post even when main failed early. src/index.ts reads it as
 * STATE_isPost without @actions/core, which it must not load before the token hand-off.
 */
function markMainStarted() {
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .saveState */ .LZ(IS_POST, 'true');
}
function saveConfigDir(dir) {
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .saveState */ .LZ(CONFIG_DIR, dir);
}
const configDir = () => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getState */ .Gu(CONFIG_DIR);
/** Saved before the first install: where the copies of the user's files are, for post to put back. */
function saveSnapshotDir(dir) {
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .saveState */ .LZ(SNAPSHOT_DIR, dir);
}
const snapshotDir = () => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getState */ .Gu(SNAPSHOT_DIR);
/** Saved last in main: without it (main failed, or was killed), post puts the snapshot back. */
function markMainSucceeded() {
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .saveState */ .LZ(MAIN_SUCCEEDED, 'true');
}
const mainSucceeded = () => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getState */ .Gu(MAIN_SUCCEEDED) === 'true';


/***/ }),

/***/ 1294:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   L: () => (/* binding */ restoreUserFiles),
/* harmony export */   z: () => (/* binding */ snapshotUserFiles)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _util_files_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5787);



/** The files of a program that npm writes and the user commits. */
const NPM_WRITES = ['package.json', 'package-lock.json', 'npm-shrinkwrap.json'];
/** In the snapshot folder: which user file each copy is of (null: the file did not exist). */
const INDEX = 'index.json';
/**
 * Taken before the first install, so that a run which fails later (in another program's install, a script, a link
 * check) leaves no half-updated lockfile behind: a failed run leaves the user's files as it found them. The copies
 * are on disk, in a new folder under `parent`, so that post can put them back after main was killed mid-install.
 */
async function snapshotUserFiles(programDirs, workspace, parent) {
    const folder = await node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.mkdtemp(node_path__WEBPACK_IMPORTED_MODULE_1__.join(parent, 'setup-pulumi-npm-snapshot-'));
    const files = programDirs.flatMap((dir) => NPM_WRITES.map((name) => node_path__WEBPACK_IMPORTED_MODULE_1__.join(dir, name)));
    const index = [];
    for (const [number, file] of files.entries()) {
        const content = await (0,_util_files_js__WEBPACK_IMPORTED_MODULE_2__/* .readBytesIfExists */ .P4)(file);
        if (content !== undefined)
            await node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.writeFile(node_path__WEBPACK_IMPORTED_MODULE_1__.join(folder, String(number)), content);
        index.push({ file, copy: content === undefined ? null : String(number) });
    }
    // Written last: a snapshot without its index is one that was never complete, and post leaves the files alone.
    await node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.writeFile(node_path__WEBPACK_IMPORTED_MODULE_1__.join(folder, INDEX), JSON.stringify(index));
    return { folder, restore: () => restoreUserFiles(folder, workspace) };
}
/**
 * Puts back the files a snapshot in `folder` recorded. Only npm's own files (package.json and the lockfiles) in a
 * folder inside `workspace` are ever written: the index is on disk, where the install's scripts could have edited it.
 */
async function restoreUserFiles(folder, workspace) {
    const text = await node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile(node_path__WEBPACK_IMPORTED_MODULE_1__.join(folder, INDEX), 'utf8').catch(() => undefined);
    if (text === undefined)
        return [];
    const realWorkspace = await node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.realpath(workspace);
    const restored = [];
    for (const { file, copy } of JSON.parse(text)) {
        if (!(await isNpmFileIn(realWorkspace, file)) || (copy !== null && !/^\d+$/.test(copy)))
            continue;
        const content = copy === null ? undefined : await node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile(node_path__WEBPACK_IMPORTED_MODULE_1__.join(folder, copy));
        const now = await (0,_util_files_js__WEBPACK_IMPORTED_MODULE_2__/* .readBytesIfExists */ .P4)(file);
        if (now === undefined ? content === undefined : content !== undefined && now.equals(content))
            continue;
        if (content === undefined)
            await node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rm(file, { force: true });
        else
            await node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.writeFile(file, content);
        restored.push(file);
    }
    return restored;
}
async function isNpmFileIn(realWorkspace, file) {
    if (typeof file !== 'string' || !NPM_WRITES.includes(node_path__WEBPACK_IMPORTED_MODULE_1__.basename(file)))
        return false;
    const folder = await node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.realpath(node_path__WEBPACK_IMPORTED_MODULE_1__.dirname(file)).catch(() => undefined);
    const relative = folder === undefined ? '..' : node_path__WEBPACK_IMPORTED_MODULE_1__.relative(realWorkspace, folder);
    return relative !== '..' && !relative.startsWith(`..${node_path__WEBPACK_IMPORTED_MODULE_1__.sep}`) && !node_path__WEBPACK_IMPORTED_MODULE_1__.isAbsolute(relative);
}


/***/ }),

/***/ 5787:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   P4: () => (/* binding */ readBytesIfExists),
/* harmony export */   TP: () => (/* binding */ readTextIfExists),
/* harmony export */   gU: () => (/* binding */ readTextIfExistsSync),
/* harmony export */   i7: () => (/* binding */ readPackageManifest)
/* harmony export */ });
/* unused harmony export isMissing */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);



/** True for the error a read gives when the file (or a folder on its path) does not exist. */
function isMissing(error) {
    const code = error?.code;
    return code === 'ENOENT' || code === 'ENOTDIR';
}
/** The file's bytes, or undefined when it does not exist; other errors (permissions, a folder) are thrown. */
async function readBytesIfExists(file) {
    try {
        return await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.readFile)(file);
    }
    catch (error) {
        if (isMissing(error))
            return undefined;
        throw error;
    }
}
/** The file's text, or undefined when it does not exist; other errors are thrown. */
async function readTextIfExists(file) {
    return (await readBytesIfExists(file))?.toString('utf8');
}
/** The synchronous twin, for the policy reader: thousands of small reads are several times faster without promises. */
function readTextIfExistsSync(file) {
    try {
        return (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(file, 'utf8');
    }
    catch (error) {
        if (isMissing(error))
            return undefined;
        throw error;
    }
}
/** The package.json in `folder` as an object, or undefined when it is missing, unreadable or not a JSON object. */
async function readPackageManifest(folder) {
    try {
        const parsed = JSON.parse(await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.readFile)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(folder, 'package.json'), 'utf8'));
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
            return undefined;
        const manifest = parsed;
        // Only strings count as a name or version: anything else is as good as absent.
        return {
            ...manifest,
            name: typeof manifest['name'] === 'string' ? manifest['name'] : undefined,
            version: typeof manifest['version'] === 'string' ? manifest['version'] : undefined,
        };
    }
    catch {
        return undefined;
    }
}


/***/ })

};
