export const id = 991;
export const ids = [991];
export const modules = {

/***/ 5877:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   nA: () => (/* binding */ MAX_PREFIX_LENGTH),
/* harmony export */   uO: () => (/* binding */ computeCacheKeys),
/* harmony export */   uf: () => (/* binding */ MAX_KEY_LENGTH)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2088);
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(semver__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3916);



/** @actions/cache refuses longer keys. */
const MAX_KEY_LENGTH = 512;
/** sha256, in hex. */
const HASH_LENGTH = 64;
/** What follows the prefix at its longest: Node's longest platform and architecture names, majors under 1000, the hash. */
const LONGEST_AFTER_PREFIX = `-${restoreKeyOf('', 'android', 'riscv64', 999, 999)}`.length + HASH_LENGTH;
/** The longest `cache-key-prefix` that keeps every key within MAX_KEY_LENGTH, whatever the runner. */
const MAX_PREFIX_LENGTH = MAX_KEY_LENGTH - LONGEST_AFTER_PREFIX;
/**
 * `<prefix->setup-pulumi-npm-<os>-<arch>-node<major>-npm<major>-<hash>`; the restore key is the same without the
 * hash, so a changed lockfile still starts from the newest tree of the same platform and toolchain.
 */
function computeCacheKeys(input) {
    const restoreKey = restoreKeyOf(input.prefix, input.platform, input.arch, majorOf('Node.js', input.nodeVersion), majorOf('npm', input.npmVersion));
    return { primaryKey: restoreKey + treeHash(input), restoreKeys: [restoreKey] };
}
function restoreKeyOf(prefix, platform, arch, nodeMajor, npmMajor) {
    return `${prefix ? `${prefix}-` : ''}setup-pulumi-npm-${platform}-${arch}-node${nodeMajor}-npm${npmMajor}-`;
}
function majorOf(tool, version) {
    const parsed = semver__WEBPACK_IMPORTED_MODULE_1___default().parse(version.trim());
    if (!parsed)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ActionError */ .l(`Could not read the ${tool} version "${version.trim()}"; check that ${tool} is installed and on the PATH.`);
    return parsed.major;
}
/** Covers what decides the installed tree; order-free where order does not change it. */
function treeHash(input) {
    const programs = [...input.programs]
        .sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0))
        .map((program) => ({
        dir: program.dir,
        // The lockfile pins the tree; without one, package.json is the best description there is.
        source: program.lockfile === undefined ? 'package.json' : 'package-lock.json',
        sha256: sha256(program.lockfile ?? program.packageJson),
    }));
    const links = [...new Set(input.links)].sort();
    return sha256(JSON.stringify({ programs, installCommand: input.installCommand, registryUrl: input.registryUrl, links }));
}
function sha256(text) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(text).digest('hex');
}


/***/ }),

/***/ 1991:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runMain: () => (/* binding */ runMain)
});

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 7 modules
var core = __webpack_require__(3838);
// EXTERNAL MODULE: ./src/errors.ts
var src_errors = __webpack_require__(3916);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:url"
var external_node_url_ = __webpack_require__(3136);
;// CONCATENATED MODULE: ./src/inputs.ts




/** The action's own action.yml: beside dist/ for the bundle (dist/index.js), at the repository's root under tsx (src/). */
const ACTION_YML = external_node_path_.join(external_node_path_.dirname((0,external_node_url_.fileURLToPath)(import.meta.url)), '..', 'action.yml');
/** The step's inputs as the runner passes them: INPUT_<NAME>, upper case, spaces as "_", hyphens kept. */
function environmentInputs(env) {
    return (name) => env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
}
/**
 * The defaults action.yml declares for `names`. GitHub's runner passes every input, defaults included; act,
 * Gitea/Forgejo Actions and @github/local-action may leave some out. Only then is action.yml read, and the YAML parser
 * loaded.
 */
async function actionDefaults(names, file = ACTION_YML) {
    const wanted = names.map((name) => `"${name}"`).join(', ');
    let inputs;
    try {
        const { parse } = await __webpack_require__.e(/* import() */ 815).then(__webpack_require__.t.bind(__webpack_require__, 8815, 19));
        inputs = parse(await (0,promises_.readFile)(file, 'utf8'))?.inputs;
    }
    catch (error) {
        const reason = error.code ?? error.message;
        throw new src_errors/* ActionError */.l(`The runner did not pass the input(s) ${wanted}, and the action's ${file} could not be read for their defaults (${reason}): pass them in "with:".`);
    }
    const defaults = new Map();
    for (const name of names) {
        const declared = inputs?.[name];
        if (declared === undefined)
            throw new src_errors/* ActionError */.l(`The action's ${file} declares no input "${name}": it does not belong to this version of the action.`);
        defaults.set(name, declared?.default === undefined || declared.default === null ? '' : String(declared.default));
    }
    return defaults;
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: ./src/util/files.ts
var util_files = __webpack_require__(5787);
;// CONCATENATED MODULE: ./src/npmrc.ts





/** The environment variable npm expands in the config at run time; the file never holds the token itself. */
const TOKEN_VARIABLE = 'PULUMI_ACCESS_TOKEN';
// Marks our own lines, so a second run in the same job (reading our file as the user config) does not repeat them.
const MARKER = '; setup-pulumi-npm:';
const AUTH_KEYS = new Set(['_authtoken', '_auth', 'username', '_password', 'always-auth']);
/** npm's "nerf dart" for a registry: the key prefix its auth settings live under, e.g. `//npmjs.pulumi.com/`. */
function registryAuthPrefix(registryUrl) {
    const url = new URL(registryUrl);
    const pathname = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
    return `//${url.host}${pathname}`;
}
/**
 * The scoped config: the user's own config, minus what would compete with ours (the scope's registry and this
 * registry host's credentials), then our two lines. Everything else the user set is kept as written.
 */
function buildScopedNpmrc(userConfig, scope, registryUrl) {
    const host = `//${new URL(registryUrl).host}/`;
    const kept = userConfig.split(/\r?\n/).filter((line) => !competesWithScope(line, scope, host));
    while (kept.length && kept[kept.length - 1].trim() === '')
        kept.pop();
    const ours = [
        `${MARKER} the ${scope} scope comes from ${registryUrl};`,
        `${MARKER} npm reads the token from the ${TOKEN_VARIABLE} environment variable when it runs.`,
        `${scope}:registry=${registryUrl}`,
        `${registryAuthPrefix(registryUrl)}:_authToken=\${${TOKEN_VARIABLE}}`,
    ];
    return [...kept, ...(kept.length ? [''] : []), ...ours, ''].join('\n');
}
function competesWithScope(line, scope, host) {
    if (line.startsWith(MARKER))
        return true;
    const key = configKey(line);
    if (key === undefined)
        return false;
    if (key === `${scope}:registry`)
        return true;
    if (!key.startsWith(host))
        return false;
    const setting = key.slice(key.lastIndexOf(':') + 1).toLowerCase();
    return AUTH_KEYS.has(setting);
}
/** The key of an ini line (`key = value`, optionally quoted), or undefined for comments and blanks. */
function configKey(line) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith(';') || trimmed.startsWith('#'))
        return undefined;
    const equals = trimmed.indexOf('=');
    const key = (equals === -1 ? trimmed : trimmed.slice(0, equals)).trim();
    return key.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
}
/** The user config npm would read without us: NPM_CONFIG_USERCONFIG (any case), else ~/.npmrc. */
function userConfigPath(env) {
    const configured = env['NPM_CONFIG_USERCONFIG'] || env['npm_config_userconfig'];
    if (configured)
        return configured;
    const home = env['HOME'] || external_node_os_.homedir();
    return home ? external_node_path_.join(home, '.npmrc') : undefined;
}
/**
 * Writes the scoped config in a folder of its own under RUNNER_TEMP; the user's file is only read. The folder is
 * announced before anything is written in it, so the post step removes it even when the main step is cancelled
 * halfway; a failed write removes it at once.
 */
async function writeScopedNpmrc(request) {
    const { runnerTemp, userConfigFile, scope, registryUrl, onFolder = () => { }, writeFile = promises_.writeFile } = request;
    const userConfig = userConfigFile ? await readUserConfig(userConfigFile) : undefined;
    let dir;
    try {
        await promises_.mkdir(runnerTemp, { recursive: true });
        dir = await promises_.mkdtemp(external_node_path_.join(runnerTemp, 'setup-pulumi-npm-'));
        onFolder(dir);
        const file = external_node_path_.join(dir, '.npmrc');
        // 0600: the user's own config may carry credentials for other registries.
        await writeFile(file, buildScopedNpmrc(userConfig ?? '', scope, registryUrl), { mode: 0o600 });
        return { dir, file, mergedFrom: userConfig === undefined ? undefined : userConfigFile };
    }
    catch (error) {
        if (dir)
            await promises_.rm(dir, { recursive: true, force: true });
        const code = error.code ?? String(error);
        throw new src_errors/* ActionError */.l(`Cannot write the npm config under RUNNER_TEMP (${runnerTemp}): ${code}. The runner's temporary folder must be writable and have free space.`);
    }
}
async function readUserConfig(file) {
    try {
        return await (0,util_files/* readTextIfExists */.TP)(file);
    }
    catch (error) {
        throw new src_errors/* ActionError */.l(`Cannot read the npm user config ${file} (${error.code}): ` +
            `fix its permissions, or point NPM_CONFIG_USERCONFIG at a readable file.`);
    }
}

;// CONCATENATED MODULE: ./src/install-scripts.ts



/** The program's own scripts `npm install` and `npm ci` run, in npm's order. */
const ROOT_LIFECYCLE = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'];
/** Those `npm rebuild` runs itself, for the program as for every dependency; the rest are run one by one. */
const RUN_BY_REBUILD = new Set(['preinstall', 'install', 'postinstall']);
const AFTER_THE_INSTALL = 'It ran after the install, without the token: if it must reach the registry, set "ignore-scripts: false".';
/** The environment for the install itself when scripts wait: npm runs no package's scripts while the token is there. */
function withoutScripts(env) {
    return { ...env, npm_config_ignore_scripts: 'true' };
}
/** The environment of an npm command that may run scripts: no token (npm leaves the config's placeholder unexpanded). */
function withoutToken(env) {
    const { [TOKEN_VARIABLE]: _token, ...rest } = env;
    return rest;
}
/** The environment the scripts run in: no token, scripts allowed again. */
function scriptEnvironment(env) {
    const { npm_config_ignore_scripts: _ignore, ...rest } = withoutToken(env);
    return rest;
}
/** The program's own lifecycle scripts that npm would have run during the install, from its package.json. */
async function rootLifecycleScripts(programDir) {
    const scripts = (await (0,util_files/* readPackageManifest */.i7)(programDir))?.['scripts'];
    if (typeof scripts !== 'object' || scripts === null)
        return [];
    return ROOT_LIFECYCLE.filter((name) => typeof scripts[name] === 'string');
}
/**
 * Runs, without the token, what the install skipped: every package's install scripts and bin links, the program's
 * own included (`npm rebuild`), then the program's prepare scripts, each on its own (so npm does not add pre/post
 * twice). Returns the program's own scripts that ran.
 */
async function runInstallScripts(npm, programDir, where) {
    const env = scriptEnvironment(npm.env);
    const rebuild = await npm.run('npm', ['rebuild'], { cwd: programDir, env });
    if (rebuild.exitCode !== 0) {
        throw new src_errors/* ActionError */.l(`An install script failed in "npm rebuild" in ${where} (exit code ${rebuild.exitCode}); its output is in the log above. ${AFTER_THE_INSTALL}`);
    }
    const scripts = await rootLifecycleScripts(programDir);
    for (const name of scripts.filter((script) => !RUN_BY_REBUILD.has(script))) {
        const result = await npm.run('npm', ['run', name, '--ignore-scripts'], { cwd: programDir, env });
        if (result.exitCode !== 0) {
            throw new src_errors/* ActionError */.l(`The "${name}" script of ${where} failed (exit code ${result.exitCode}); its output is in the log above. ${AFTER_THE_INSTALL}`);
        }
    }
    return scripts;
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./node_modules/@actions/exec/lib/exec.js + 1 modules
var exec = __webpack_require__(1955);
// EXTERNAL MODULE: ./node_modules/@actions/io/lib/io.js
var io = __webpack_require__(8701);
;// CONCATENATED MODULE: ./src/npm.ts








const runCommand = async (commandLine, args, { cwd, env, quiet }) => {
    // npm and install scripts print what packages tell them to: keep their lines from acting as workflow commands.
    const resume = (0,external_node_crypto_.randomUUID)();
    if (!quiet)
        process.stdout.write(`::stop-commands::${resume}\n`);
    try {
        return await exec/* getExecOutput */.H(commandLine, args, { cwd, env: env, ignoreReturnCode: true, silent: quiet ?? false });
    }
    catch (error) {
        // @actions/exec rejects when the program cannot be started at all (not found on PATH, folder missing).
        const program = commandLine.split(' ')[0];
        if (/Unable to locate executable file/.test(error.message)) {
            throw new src_errors/* ActionError */.l(`Cannot run "${program}": it is not on the PATH. Set up Node.js and npm in an earlier step (actions/setup-node).`);
        }
        throw new src_errors/* ActionError */.l(`Cannot run "${[commandLine, ...args].join(' ')}" in ${cwd}: ${error.message}`);
    }
    finally {
        if (!quiet)
            process.stdout.write(`::${resume}::\n`);
    }
};
/** The runner's Node.js and npm, which install (the action itself runs on its own Node.js); '' when unknown. */
async function toolVersions(npm, cwd) {
    const [node, npmVersion] = await Promise.all([toolVersion(npm, 'node', cwd), npmVersionOf(npm, cwd)]);
    return { node, npm: npmVersion };
}
async function toolVersion(npm, tool, cwd) {
    const result = await npm.run(tool, ['--version'], { cwd, env: npm.env, quiet: true });
    return result.exitCode === 0 ? result.stdout.trim() : '';
}
/**
 * npm's version from its own package.json beside the `npm` on the PATH: starting npm only to ask takes a quarter of
 * a second, as long as the rest of a warm-cache run's own work. Asks npm when the layout is not the usual one.
 */
async function npmVersionOf(npm, cwd) {
    const cli = await (0,io/* which */.K7)('npm', true)
        .then((found) => (0,promises_.realpath)(found))
        .catch(() => undefined);
    const manifest = cli === undefined ? undefined : await (0,util_files/* readPackageManifest */.i7)(external_node_path_.join(external_node_path_.dirname(cli), '..'));
    if (manifest?.name === 'npm' && manifest.version !== undefined)
        return manifest.version;
    return toolVersion(npm, 'npm', cwd);
}
/**
 * The environment of the npm processes the action starts: the only place the token goes, and only with the scoped
 * config that routes the scope to a registry (`auth`). Without it, a token in the job's environment (for the Pulumi
 * Cloud backend, say) stays out of npm's.
 */
function npmEnvironment(base, auth) {
    const env = {};
    for (const [name, value] of Object.entries(base)) {
        // Inputs (the token among them) and competing npm settings stay out of the child's environment.
        const lower = name.toLowerCase();
        if (name.startsWith('INPUT_') || name === TOKEN_VARIABLE || lower === 'npm_config_legacy_peer_deps')
            continue;
        if (auth !== undefined && lower === 'npm_config_userconfig')
            continue;
        env[name] = value;
    }
    if (auth === undefined)
        return env;
    env[TOKEN_VARIABLE] = auth.token;
    env['NPM_CONFIG_USERCONFIG'] = auth.npmrcFile;
    return env;
}
/**
 * The install's environment when packages are linked: npm 7+ installs peerDependencies, so a program that declares
 * `pulumi` as a peer (as the docs require) would fetch it from the registry: a 404, or an unrelated public package.
 * npm link then puts the link in, and satisfies the peers.
 */
function withoutPeerInstall(env) {
    return { ...env, npm_config_legacy_peer_deps: 'true' };
}
/** Turns npm's error codes into a sentence the user can act on. */
function explainNpmFailure(what, where, result, registryUrl) {
    const output = `${result.stderr}\n${result.stdout}`;
    const code = /npm (?:error|ERR!) code (E\w+)/.exec(output)?.[1];
    // npm 11: "The requested resource 'x@^1' could not be found …"; older npm: "'x@^1' is not in this registry".
    const notFound = /npm (?:error|ERR!) 404 .*?'([^'\s]+)' (?:could not be found|is not in this registry)/.exec(output)?.[1] ??
        /npm (?:error|ERR!) 404 Not Found - GET (\S+)/.exec(output)?.[1];
    if (result.exitCode === null) {
        return new src_errors/* ActionError */.l(`"${what}" in ${where} was killed before it finished (by a signal: out of memory, or the ` +
            `job was cancelled). Run the job again; if it recurs, look for memory use in the log above.`);
    }
    const lead = `"${what}" failed in ${where} (exit code ${result.exitCode})`;
    switch (code) {
        case 'E401':
            return new src_errors/* ActionError */.l(`${lead}: the registry rejected the credentials (401). Check the "pulumi-access-token" secret and "registry-url" (${registryUrl}).`);
        case 'E403':
            return new src_errors/* ActionError */.l(`${lead}: access denied (403). The token has no access to a package it needs; use a token of an account that may read the scope.`);
        case 'E404':
            return new src_errors/* ActionError */.l(`${lead}: ${notFound ?? 'a package'} was not found (404). Check the name and version ` +
                `in package.json, and that its scope is served by the registry it is routed to.`);
        case 'ERESOLVE':
            return new src_errors/* ActionError */.l(`${lead}: npm could not resolve the dependency tree (ERESOLVE). Align the conflicting versions in package.json; npm's explanation is in the log above.`);
        default:
            return new src_errors/* ActionError */.l(`${lead}${code ? ` with npm error ${code}` : ''}. npm's output is in the log above.`);
    }
}

;// CONCATENATED MODULE: ./src/link.ts






/** npm's global prefix (NPM_CONFIG_PREFIX or npm's default), where `npm link` keeps its global links. */
async function globalPackagesFolder(npm, cwd) {
    const result = await npm.run('npm', ['prefix', '--global'], { cwd, env: npm.env, quiet: true });
    const prefix = result.stdout.trim();
    if (result.exitCode !== 0 || !prefix)
        throw explainNpmFailure('npm prefix --global', cwd, result, npm.registryUrl);
    return process.platform === 'win32' ? external_node_path_.join(prefix, 'node_modules') : external_node_path_.join(prefix, 'lib', 'node_modules');
}
/**
 * Registers `link-path` as the global link of the package it holds: the symlink `npm link` would make in the
 * global folder, made directly, because `npm link` in the folder would also install there and write a lockfile
 * into the user's checkout.
 */
async function registerLinkPath(linkPath, links, globalFolder) {
    const name = await packageNameIn(linkPath, `Input "link-path" is "${linkPath}"`);
    if (!links.includes(name)) {
        throw new src_errors/* ActionError */.l(`Input "link-path" holds the package "${name}", which input "link" does not list ` +
            `(${links.join(' ') || 'empty'}): add it to "link", or point "link-path" at the right folder.`);
    }
    const entry = external_node_path_.join(globalFolder, name);
    try {
        // npm does not create a fresh prefix's lib/node_modules itself.
        await promises_.mkdir(external_node_path_.dirname(entry), { recursive: true });
        const existing = await promises_.lstat(entry).catch(() => undefined);
        if (existing && !existing.isSymbolicLink()) {
            throw new src_errors/* ActionError */.l(`npm's global folder already holds an installed "${name}" at ${entry}, not a link: ` +
                `uninstall it (npm uninstall --global ${name}) or use another NPM_CONFIG_PREFIX.`);
        }
        if (existing)
            await promises_.unlink(entry);
        await promises_.symlink(linkPath, entry, process.platform === 'win32' ? 'junction' : 'dir');
    }
    catch (error) {
        if (error instanceof src_errors/* ActionError */.l)
            throw error;
        throw new src_errors/* ActionError */.l(`Cannot register "${name}" in npm's global folder ${globalFolder}: ${error.code ?? error.message}. ` +
            `Make the npm prefix writable, or set NPM_CONFIG_PREFIX to a folder the job can write.`);
    }
    return name;
}
/** Fails before any `npm link <name>` could fetch an unrelated package of that name from the public registry. */
async function requireGlobalLinks(links, globalFolder) {
    for (const name of links) {
        const found = (await (0,util_files/* readPackageManifest */.i7)(external_node_path_.join(globalFolder, name)))?.name;
        if (found !== name) {
            throw new src_errors/* ActionError */.l(`Input "link" lists "${name}", but no package "${name}" is linked in npm's global folder ${globalFolder}. Set "link-path" to the ` +
                `folder that holds the ${name} package (the action registers it with npm link), or run "npm link" in that folder in an earlier step.`);
        }
    }
}
/**
 * `npm link <names>` in a program: needed after every install, because npm install removes links. Never with the
 * token: npm link may run the linked packages' scripts, and it fetches nothing a current tree lacks. In a workspaces
 * root npm link would also install the peers the workspaces declare (fetching `pulumi` from a registry), so it runs
 * without peer installs there; not elsewhere, where npm would then skip the link of a package the root only lists
 * as a peer ("up to date").
 */
async function linkIntoProgram(npm, programDir, where, links) {
    if (!links.length)
        return;
    const isWorkspacesRoot = (await (0,util_files/* readPackageManifest */.i7)(programDir))?.['workspaces'] !== undefined;
    const env = withoutToken(isWorkspacesRoot ? withoutPeerInstall(npm.env) : npm.env);
    const result = await npm.run('npm', ['link', ...links], { cwd: programDir, env });
    if (result.exitCode !== 0)
        throw explainNpmFailure(`npm link ${links.join(' ')}`, where, result, npm.registryUrl);
}
/**
 * Links a restored tree the way `npm link <name>` does (node_modules/<name> → the global link), without npm reading
 * the whole tree again. A package with executables goes through npm, which also links them into node_modules/.bin.
 */
async function linkRestoredTree(npm, programDir, where, links, globalFolder) {
    const withExecutables = [];
    for (const name of links) {
        const target = external_node_path_.join(globalFolder, name);
        if ((await (0,util_files/* readPackageManifest */.i7)(target))?.bin !== undefined) {
            withExecutables.push(name);
            continue;
        }
        const entry = external_node_path_.join(programDir, 'node_modules', name);
        await promises_.mkdir(external_node_path_.dirname(entry), { recursive: true });
        await promises_.rm(entry, { recursive: true, force: true });
        // Relative, as npm makes it; Windows junctions take absolute targets only.
        if (process.platform === 'win32')
            await promises_.symlink(target, entry, 'junction');
        else
            await promises_.symlink(external_node_path_.relative(external_node_path_.dirname(entry), target), entry);
    }
    await linkIntoProgram(npm, programDir, where, withExecutables);
}
/** Each linked package must be a symlink whose target is that package, not a copy fetched from a registry. */
async function verifyLinks(programDir, where, links) {
    const verified = [];
    for (const name of links) {
        const entry = external_node_path_.join(programDir, 'node_modules', name);
        const stat = await promises_.lstat(entry).catch(() => undefined);
        if (!stat?.isSymbolicLink()) {
            const what = stat ? 'a folder installed from a registry, not a link' : 'missing';
            throw new src_errors/* ActionError */.l(`After npm link, node_modules/${name} in ${where} is ${what}. Remove "${name}" ` +
                `from dependencies/devDependencies (it belongs in peerDependencies) and run again.`);
        }
        const target = await promises_.realpath(entry);
        const manifest = await (0,util_files/* readPackageManifest */.i7)(target);
        if (manifest?.name !== name) {
            throw new src_errors/* ActionError */.l(`node_modules/${name} in ${where} links to ${target}, which holds ` +
                `"${manifest?.name ?? 'no package.json'}", not "${name}". Point "link-path" at the ${name} package.`);
        }
        verified.push({ name, target, version: manifest.version });
    }
    return verified;
}
async function packageNameIn(folder, subject) {
    const manifest = await (0,util_files/* readPackageManifest */.i7)(folder);
    if (!manifest?.name) {
        throw new src_errors/* ActionError */.l(`${subject}, which holds no package.json with a "name": point it at the folder of the package to link.`);
    }
    return manifest.name;
}

// EXTERNAL MODULE: ./src/util/text.ts
var util_text = __webpack_require__(9997);
// EXTERNAL MODULE: ./src/policy/lockfile.ts
var policy_lockfile = __webpack_require__(4201);
// EXTERNAL MODULE: ./src/policy/package-pattern.ts
var package_pattern = __webpack_require__(7525);
;// CONCATENATED MODULE: ./src/policy/implied.ts


/** Loaded once, on first need: every later import() of it would resolve the module again. */
let yamlModule;
/**
 * Which of the `listed` packages count as used without an import (a rule's `package` may be a scope glob). A `when`
 * condition holds when some stack settings file sets the key to the value, or when none sets the key at all (then
 * the check cannot tell, and gives the benefit of the doubt rather than fail a program that may be right).
 */
async function resolveImplied(rules, used, listed, stackFiles) {
    const result = { implied: new Map(), unmet: new Map() };
    for (const rule of rules) {
        const by = [...used].find((name) => (0,package_pattern/* matchesPackage */.C9)(rule.by, name));
        const targets = rule.package.endsWith('/*') ? listed.filter((name) => (0,package_pattern/* matchesPackage */.C9)(rule.package, name) && name !== by) : [rule.package];
        const open = targets.filter((name) => !result.implied.has(name));
        if (by === undefined || open.length === 0)
            continue;
        const outcome = await impliedOutcome(rule, by, stackFiles);
        for (const name of open) {
            if ('reason' in outcome)
                result.implied.set(name, { by, reason: outcome.reason });
            else
                result.unmet.set(name, outcome.unmet);
        }
    }
    return result;
}
async function impliedOutcome({ when }, by, stackFiles) {
    if (when === undefined)
        return { reason: `implied by ${by}` };
    const { config, equals } = when;
    // Only files that mention the key's name can set it: the others need no YAML parse.
    const settings = await readSettings(stackFiles.filter((file) => file.text.includes(config.slice(config.lastIndexOf(':') + 1))));
    const values = [...(settings.get(config) ?? []), ...(settings.get(legacyKey(config)) ?? [])];
    const match = values.find((setting) => setting.value === equals);
    if (match)
        return { reason: `implied by ${by} (${config}: ${equals} in ${match.file})` };
    if (values.length === 0)
        return { reason: `implied by ${by} (no stack sets ${config})` };
    return { unmet: `${by} loads it only when a stack sets ${config} to ${equals}, and the stacks set ${[...new Set(values.map((v) => v.value))].join(', ')}` };
}
/** Before Pulumi 0.11 a key was spelled `<namespace>:config:<key>` (cloud:config:provider). */
function legacyKey(key) {
    const colon = key.indexOf(':');
    return colon === -1 ? key : `${key.slice(0, colon)}:config${key.slice(colon)}`;
}
/** The `config` settings of Pulumi.yaml and Pulumi.<stack>.yaml files; unreadable files set nothing. */
async function readSettings(files) {
    const settings = new Map();
    if (files.length === 0)
        return settings;
    // The YAML parser is loaded only for a stack file that may set the key: most runs never need it.
    const yaml = await (yamlModule ??= __webpack_require__.e(/* import() */ 815).then(__webpack_require__.t.bind(__webpack_require__, 8815, 19)));
    for (const file of files) {
        const document = yaml.parseDocument(file.text);
        if (document.errors.length > 0)
            continue;
        const config = document.get('config', true);
        if (!yaml.isMap(config))
            continue;
        const name = (0,external_node_path_.basename)(file.path);
        for (const pair of config.items) {
            if (!yaml.isScalar(pair.key))
                continue;
            const value = settingValue(yaml, pair.value);
            if (value === undefined)
                continue;
            const key = String(pair.key.value);
            settings.set(key, [...(settings.get(key) ?? []), { value, file: name }]);
        }
    }
    return settings;
}
/** A plain value, or the `value`/`default` of a structured one (Pulumi.yaml's project-level config). */
function settingValue(yaml, node) {
    if (yaml.isScalar(node))
        return node.value === null ? undefined : String(node.value);
    if (yaml.isMap(node)) {
        for (const field of ['value', 'default']) {
            const inner = node.get(field, true);
            if (yaml.isScalar(inner) && inner.value !== null)
                return String(inner.value);
        }
    }
    return undefined;
}

// EXTERNAL MODULE: ./src/policy/manifest.ts
var policy_manifest = __webpack_require__(3238);
// EXTERNAL MODULE: ./src/policy/finding.ts
var policy_finding = __webpack_require__(891);
// EXTERNAL MODULE: ./src/policy/positions.ts
var positions = __webpack_require__(7238);
;// CONCATENATED MODULE: ./src/policy/pulumi-project.ts



let pulumi_project_yamlModule;
/**
 * Reads Pulumi.yaml among a program's stack files: `runtime: nodejs` or `runtime: { name: nodejs, options: … }`.
 * undefined when there is no Pulumi.yaml or it is not valid YAML (Pulumi itself reports that).
 */
async function readPulumiProject(stackFiles) {
    const file = stackFiles.find((candidate) => /^Pulumi\.ya?ml$/.test((0,external_node_path_.basename)(candidate.path)));
    if (file === undefined)
        return undefined;
    const yaml = await (pulumi_project_yamlModule ??= __webpack_require__.e(/* import() */ 815).then(__webpack_require__.t.bind(__webpack_require__, 8815, 19)));
    const document = yaml.parseDocument(file.text);
    if (document.errors.length > 0)
        return { file: file.path };
    const runtime = document.get('runtime', true);
    const project = { file: file.path };
    if (yaml.isScalar(runtime) && typeof runtime.value === 'string')
        project.runtime = runtime.value;
    if (yaml.isMap(runtime)) {
        const name = runtime.get('name');
        const manager = runtime.getIn(['options', 'packagemanager']);
        if (typeof name === 'string')
            project.runtime = name;
        if (typeof manager === 'string')
            project.packageManager = manager;
    }
    return project;
}
/**
 * Pulumi.yaml asks for another package manager (yarn, pnpm, bun) while the action installs with npm: a warning on
 * its line that says what to do. undefined when it asks for npm (or nothing), or the install command is not npm's.
 */
function packageManagerFinding(project, installCommand, text) {
    const manager = project?.packageManager;
    if (project === undefined || manager === undefined || manager === 'npm' || !/^npm\s/.test(installCommand.trim()))
        return undefined;
    const match = /packagemanager\s*:/i.exec(text);
    const lines = new positions/* LineIndex */.r(text);
    const span = match === null ? lines.span(0, 0) : lines.span(match.index, match[0].length - 1);
    const message = `Pulumi.yaml sets runtime.options.packagemanager to ${manager}, but this action installs with npm ("${installCommand}"): ` +
        `set "install-command" to ${manager}'s install command (the cache and the policy check still apply), ` +
        `or "install: false" to run the policy check alone and install with ${manager} in a later step.`;
    return (0,policy_finding/* findingAt */.d)('package-manager', 'warning', project.file, span, message);
}

// EXTERNAL MODULE: ./node_modules/semver/index.js
var semver = __webpack_require__(2088);
var semver_default = /*#__PURE__*/__webpack_require__.n(semver);
// EXTERNAL MODULE: ./src/policy/specs.ts
var specs = __webpack_require__(954);
;// CONCATENATED MODULE: ./src/policy/preset-hint.ts



/**
 * Under the default preset (pulumi-0.10 when nobody chose one), a program of today's layout gets one notice, before
 * the 0.10 findings, that names the preset it fits: @pulumi/pulumi in `dependencies` on 1.0 or later, no `pulumi` peer.
 * The 0.10 findings are still reported: the default stays the default, and a user may mean it.
 */
function presetHint(context) {
    const { config, entries, manifest } = context;
    if (config.preset !== 'pulumi-0.10' || config.presetOrigin !== 'default')
        return undefined;
    const sdk = entries.find((c) => c.entry.name === '@pulumi/pulumi' && c.entry.section === 'dependencies');
    if (sdk === undefined || entries.some((c) => c.entry.name === 'pulumi' && c.entry.section === 'peerDependencies'))
        return undefined;
    // @pulumi/pulumi came after 0.10 (whose SDK was the linked `pulumi`): on 1.0 or later, or a tag, it is today's layout.
    const lowest = sdk.spec.kind === 'range' ? (0,specs/* lowestAdmitted */.Lj)(sdk.spec.range) : undefined;
    if (sdk.spec.kind !== 'tag' && !(lowest !== undefined && semver_default().major(lowest) >= 1))
        return undefined;
    const message = 'This program follows today\'s layout (@pulumi/pulumi in "dependencies", on 1.0 or later, no linked "pulumi" peer), but the default preset, ' +
        'pulumi-0.10, checks the layout of Pulumi\'s 0.10 docs: set "preset: current" (the action\'s "preset" input, or "preset: current" in the ' +
        "policy file, .github/pulumi-npm-policy.yml) to install from the public registry with no token, link nothing and check today's rules. " +
        "The findings that follow are the pulumi-0.10 preset's.";
    return (0,policy_finding/* findingAt */.d)('preset', 'notice', manifest.file, sdk.entry.span, message, '@pulumi/pulumi');
}

;// CONCATENATED MODULE: ./src/policy/report.ts

const NOT_LISTED = '(not listed)';
const SHOWN_FILES = 3;
/** One summary row per listed scope or linked package, plus rows for packages findings name but nobody lists. */
function packageRows(entries, results, usedBy) {
    const rows = [];
    const rowByEntry = new Map();
    for (const { entry, role } of entries) {
        if (role === 'other')
            continue;
        const row = { name: entry.name, section: entry.section, range: entry.spec, usedBy: usedBy.get(entry.name) ?? [], findings: [] };
        rows.push(row);
        rowByEntry.set(entry, row);
    }
    for (const { finding, entry } of results) {
        const name = finding.package;
        if (name === undefined)
            continue;
        let row = entry === undefined ? rows.find((candidate) => candidate.name === name) : rowByEntry.get(entry);
        if (row === undefined) {
            row = { name, section: NOT_LISTED, range: '', usedBy: usedBy.get(name) ?? [], findings: [] };
            rows.push(row);
        }
        if (!row.findings.includes(finding.rule))
            row.findings.push(finding.rule);
    }
    return rows;
}
/** The job summary table of one program: a header row, then one row per package (a Workspace column when it has workspaces). */
function summaryRows(report) {
    const withWorkspaces = report.packages.some((row) => row.workspace !== undefined);
    const header = ['Package', 'Listed in', 'Range', 'Used by', 'Findings'];
    const rows = report.packages.map((row) => {
        const files = row.usedBy.length > SHOWN_FILES ? [...row.usedBy.slice(0, SHOWN_FILES), `and ${row.usedBy.length - SHOWN_FILES} more`] : row.usedBy;
        const cells = [row.name, row.section, row.range, files.join(', ') || '—', row.findings.join(', ') || 'ok'];
        return withWorkspaces ? [row.workspace ?? '.', ...cells] : cells;
    });
    return [withWorkspaces ? ['Workspace', ...header] : header, ...rows];
}
/** The counts under the tables and behind the `violations` output (errors only count as violations). */
function totals(findings) {
    const byRule = {};
    for (const finding of findings)
        byRule[finding.rule] = (byRule[finding.rule] ?? 0) + 1;
    const errors = findings.filter((finding) => finding.severity === 'error').length;
    const warnings = findings.filter((finding) => finding.severity === 'warning').length;
    return { errors, warnings, byRule };
}
/** "2 errors, 1 warning". */
function countLine(findings) {
    const { errors, warnings } = totals(findings);
    return `${(0,util_text/* plural */.LS)(errors, 'error')}, ${(0,util_text/* plural */.LS)(warnings, 'warning')}`;
}

// EXTERNAL MODULE: ./node_modules/es-module-lexer/dist/lexer.js
var lexer = __webpack_require__(7960);
;// CONCATENATED MODULE: ./src/policy/scan/lexer.ts

/**
 * Reads the ES module imports of a JavaScript or TypeScript file with es-module-lexer (a Wasm lexer: fast, and
 * it knows TypeScript's type-only forms). It does not see require() and cannot read JSX; the caller sends those
 * files to the full parser. Throws on syntax it cannot read, with `idx` set to the offset.
 */
function lexerUses(text, name) {
    const [imports] = (0,lexer/* parse */.q)(text, name);
    const uses = [];
    for (const record of imports) {
        if (record.type === 'import-meta')
            continue;
        if (record.type === 'dynamic') {
            // Only a literal specifier names a package; a template with substitutions is a pattern.
            if (record.specifier === undefined || record.glob)
                continue;
            uses.push({ specifier: record.specifier, kind: 'dynamic-import', typeOnly: record.probablyTypeOnly, start: record.start, end: record.end });
            continue;
        }
        const isExport = record.type === 'reexport-star' || text.startsWith('export', record.importStart);
        // Static specifier offsets exclude the quotes.
        uses.push({
            specifier: record.specifier,
            kind: isExport ? 'export-from' : 'import',
            typeOnly: record.typeOnly,
            start: record.start - 1,
            end: record.end + 1,
        });
    }
    return uses;
}

;// CONCATENATED MODULE: ./src/policy/scan/scan.ts

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const JSX_FILE = /\.[jt]sx$/;
/** Loaded once, on first need: every later import() of it would resolve the module again. */
let parserModule;
/**
 * Finds the modules each source file loads. The Wasm lexer reads most files; files that mention `require`, are
 * .jsx or .tsx, or that the lexer cannot read (JSX in a .js file, say) go to sucrase's parser, which reads
 * everything but is several times slower and needs about 50 times a file's size in memory, and is loaded only when
 * some file needs it.
 */
async function scanSources(files) {
    const texts = files.map(({ path, text }) => ({ path, text: withoutByteOrderMark(text) }));
    const lexed = texts.map(lexerScan);
    if (!lexed.includes(undefined))
        return lexed;
    const parser = await (parserModule ??= Promise.all(/* import() */[__webpack_require__.e(638), __webpack_require__.e(455)]).then(__webpack_require__.bind(__webpack_require__, 3836)));
    return lexed.map((result, index) => result ?? parserScan(texts[index], parser.parserUses));
}
/** A byte order mark hides the first import from the lexer; a space in its place keeps every offset. */
function withoutByteOrderMark(text) {
    return text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
}
/** One file's scan: the lexer's when it can read the file, else undefined (the parser must). */
function lexerScan({ path, text }) {
    if (JSX_FILE.test(path) || text.includes('require'))
        return undefined;
    try {
        return { uses: lexerUses(text, path) };
    }
    catch {
        // The parser reads more syntax, and reports a precise error when the file is broken.
        return undefined;
    }
}
function parserScan({ path, text }, parse) {
    try {
        return { uses: parse(text, dialectOf(path)) };
    }
    catch (error) {
        const offset = typeof error.pos === 'number' ? error.pos : 0;
        const message = (error instanceof Error ? error.message : String(error)).replace(/ \(\d+:\d+\)$/, '');
        return { uses: [], error: { offset, message } };
    }
}
function dialectOf(path) {
    const extension = path.slice(path.lastIndexOf('.'));
    const typescript = extension === '.ts' || extension === '.tsx' || extension === '.mts' || extension === '.cts';
    // Plain JavaScript may hold JSX; in TypeScript only .tsx may (`<T>x` is a type assertion in .ts).
    return { typescript, jsx: extension === '.tsx' || !typescript };
}

;// CONCATENATED MODULE: ./src/policy/scan/uses.ts
/** The package a bare specifier names (`@pulumi/aws/s3` → `@pulumi/aws`), or undefined for relative paths, URLs and builtins. */
function packageOfSpecifier(specifier) {
    if (specifier === '' || specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('#'))
        return undefined;
    if (/^[a-z][a-z0-9+.-]*:/i.test(specifier))
        return undefined; // node:, file:, https:, data:
    const parts = specifier.split('/');
    if (specifier.startsWith('@'))
        return parts.length >= 2 && parts[1] !== '' ? `${parts[0]}/${parts[1]}` : undefined;
    return parts[0];
}

;// CONCATENATED MODULE: ./src/policy/scan/usage.ts


const DECLARATION_FILE = /\.d\.[cm]?ts$/;
/** Parses every source file and groups what they load by package. */
async function collectUsage(sources) {
    const usage = { byPackage: new Map(), failures: [], sourceCount: sources.length };
    const results = await scanSources(sources);
    for (const [index, file] of sources.entries()) {
        const result = results[index];
        if (result.error)
            usage.failures.push({ file, ...result.error });
        // A declaration file only describes types: nothing it imports is loaded at run time.
        const declaration = DECLARATION_FILE.test(file.path);
        for (const use of result.uses) {
            const name = packageOfSpecifier(use.specifier);
            if (name === undefined)
                continue;
            const list = usage.byPackage.get(name) ?? [];
            list.push({ file, use: declaration ? { ...use, typeOnly: true } : use });
            usage.byPackage.set(name, list);
        }
    }
    return usage;
}

;// CONCATENATED MODULE: ./src/policy/program.ts








/** Checks one package.json (the program's, or one workspace's) and its sources with the static rules, in order. */
async function checkPackage(input, folder, lockfile, shared, rules) {
    const parsed = (0,policy_manifest/* parseManifest */.N)(input.packageJson);
    if (parsed.manifest === undefined)
        return { findings: parsed.findings, rows: [] };
    const usage = await collectUsage(input.sources);
    const entries = classify(parsed.manifest, input.dir, shared);
    const listed = entries.map((c) => c.entry.name);
    const implied = await resolveImplied(shared.config.impliedUses, new Set(usage.byPackage.keys()), listed, input.stackConfigs ?? []);
    const runtime = runtimeUse(await readPulumiProject(input.stackConfigs ?? []), usage, shared);
    if (runtime !== undefined && !implied.implied.has(SDK_PACKAGE))
        implied.implied.set(SDK_PACKAGE, runtime);
    const context = { ...shared, dir: input.dir, folder, manifest: parsed.manifest, entries, usage, implied };
    if (lockfile !== undefined)
        context.lockfile = lockfile;
    const results = oneFindingPerEntry(rules.flatMap(({ rule, finding }) => rule.check(context, finding)));
    const rows = packageRows(context.entries, results, usedBy(usage, implied, input.dir));
    if (folder !== '')
        for (const row of rows)
            row.workspace = folder;
    const hint = folder === '' ? presetHint(context) : undefined;
    return { findings: [...(hint ? [hint] : []), ...parsed.findings, ...results.map((result) => result.finding)], rows };
}
/** The SDK: Pulumi's Node.js language host starts every program through its run entry point in node_modules. */
const SDK_PACKAGE = '@pulumi/pulumi';
/** @pulumi/pulumi is used by the run time in a Pulumi program: Pulumi.yaml says runtime nodejs, or a source loads a scope package. */
function runtimeUse(project, usage, shared) {
    if (project?.runtime === 'nodejs')
        return { by: 'Pulumi.yaml', reason: 'used by the Pulumi run time: Pulumi.yaml runtime nodejs' };
    const scopeUser = [...usage.byPackage.keys()].find((name) => name !== SDK_PACKAGE && shared.inScope(name));
    return scopeUser === undefined ? undefined : { by: scopeUser, reason: `used by the Pulumi run time: the program uses ${scopeUser}` };
}
function classify(manifest, dir, shared) {
    return manifest.entries
        .filter((entry) => !shared.ignored(entry.name))
        .map((entry) => {
        const spec = (0,specs/* classifySpec */.ug)(entry.name, entry.spec || '*', dir);
        const target = spec.kind === 'range' || spec.kind === 'tag' ? spec.target : entry.name;
        const role = shared.links.includes(entry.name) ? 'link' : shared.inScope(entry.name) || shared.inScope(target) ? 'scope' : 'other';
        return { entry, spec, target, role };
    });
}
/**
 * One finding per package.json entry and severity: the rules run in the registry's order of priority, and the first
 * finding on an entry already says what to change there (a misplaced entry's message gives the range to use, say).
 * A linked package that linked-peer reports missing is not reported again as undeclared in the sources.
 */
function oneFindingPerEntry(results) {
    const seen = new Set();
    const missingLinks = new Set(results.filter((r) => r.finding.rule === 'linked-peer' && r.entry === undefined).map((r) => r.finding.package));
    return results.filter(({ finding, entry }) => {
        if (finding.rule === 'undeclared-dependency' && missingLinks.has(finding.package))
            return false;
        if (entry === undefined)
            return true;
        const key = `${finding.severity}\0${entry.section}\0${entry.name}\0${entry.span.start.line}:${entry.span.start.column}`;
        if (seen.has(key))
            return false;
        seen.add(key);
        return true;
    });
}
/** For the summary: which files load each package (relative, marked when only for types), or why it is implied. */
function usedBy(usage, implied, dir) {
    const result = new Map();
    for (const [name, uses] of usage.byPackage) {
        const typeOnlyByFile = new Map();
        for (const { file, use } of uses)
            typeOnlyByFile.set(file.path, (typeOnlyByFile.get(file.path) ?? true) && use.typeOnly);
        // Sources lie under the program's folder, so slicing gives the relative path.
        result.set(name, [...typeOnlyByFile].map(([path, typeOnly]) => `${(0,util_text/* toPosix */.d7)(path.slice(dir.length + 1))}${typeOnly ? ' (types only)' : ''}`));
    }
    for (const [name, implication] of implied.implied)
        result.set(name, [...(result.get(name) ?? []), `(${implication.reason})`]);
    return result;
}

// EXTERNAL MODULE: ./src/policy/rules/context.ts
var rules_context = __webpack_require__(4049);
// EXTERNAL MODULE: ./src/policy/rules/registry.ts + 6 modules
var registry = __webpack_require__(5508);
;// CONCATENATED MODULE: ./src/policy/severity.ts

/** The rules `config` does not turn off, in their order, each with what makes its findings at its severity. */
function activeRules(rules, config) {
    return rules.flatMap((rule) => {
        const level = config.rules[rule.id];
        if (level === 'off')
            return [];
        const severity = level === 'warn' ? 'warning' : 'error';
        const finding = (file, span, message, pkg) => (0,policy_finding/* findingAt */.d)(rule.id, severity, file, span, message, pkg);
        return [{ rule, finding }];
    });
}
/** The action's `policy` input: 'warn' downgrades errors to warnings, 'off' drops every finding. */
function applyPolicyMode(findings, mode) {
    switch (mode) {
        case 'error':
            return findings;
        case 'warn':
            return findings.map((finding) => (finding.severity === 'error' ? { ...finding, severity: 'warning' } : finding));
        case 'off':
            return [];
    }
}

// EXTERNAL MODULE: ./src/policy/presets.ts
var presets = __webpack_require__(4490);
;// CONCATENATED MODULE: ./src/policy/config.ts

/**
 * The policy config: the preset of the `preset` input (`presetInput`), else the policy file's, else the default;
 * with the file's settings over it. The YAML parser and the schema are loaded only when there is a file.
 */
async function parsePolicyConfig(file, presetInput) {
    if (file === undefined)
        return { config: presetInput ? (0,presets/* presetConfig */.uo)(presetInput, 'input') : (0,presets/* presetConfig */.uo)(presets/* DEFAULT_PRESET */.CO), findings: [] };
    const { parsePolicyFile } = await Promise.all(/* import() */[__webpack_require__.e(815), __webpack_require__.e(368), __webpack_require__.e(597)]).then(__webpack_require__.bind(__webpack_require__, 3597));
    return parsePolicyFile(file, presetInput);
}

;// CONCATENATED MODULE: ./src/policy/installed.ts




/** Runs the rules of the installed phase, after install and link, on what was read of node_modules. Pure. */
function checkInstalledTree(input, options) {
    const active = activeRules(registry/* INSTALLED_RULES */.F8, options.config);
    if (active.length === 0)
        return [];
    const context = { ...(0,rules_context/* sharedContext */.Pk)(options), scopePackages: input.scopePackages };
    const read = input.lockfile === undefined ? undefined : (0,policy_lockfile/* parseLockfile */.tg)(input.lockfile);
    // An unreadable lockfile was reported before the install: there is nothing to compare with.
    if (read !== undefined && 'lockfile' in read)
        context.lockfile = read.lockfile;
    return active.flatMap(({ rule, finding }) => rule.check(context, finding));
}

;// CONCATENATED MODULE: ./src/policy/links.ts
/** The packages `npm link` installs: the `link` input's (undefined when empty), else the preset's. */
function effectiveLinks(config, linkInput) {
    return linkInput ?? config.links;
}

;// CONCATENATED MODULE: ./src/policy/index.ts











/**
 * Checks a program before the install with the static rules: its lockfile once, then its package.json, its sources
 * and its lockfile entries and, for a workspace root, each workspace's. Pure: the input holds every file's text.
 */
async function checkProgram(program, options) {
    const shared = (0,rules_context/* sharedContext */.Pk)(options);
    const rules = activeRules(registry/* STATIC_RULES */.$g, options.config);
    const read = program.lockfile === undefined ? undefined : (0,policy_lockfile/* parseLockfile */.tg)(program.lockfile);
    const findings = [];
    const packages = [];
    if (read !== undefined)
        for (const { rule, finding } of rules)
            findings.push(...(rule.checkLockfile?.(read, shared, finding) ?? []));
    const lockfile = read !== undefined && 'lockfile' in read ? read.lockfile : undefined;
    for (const member of [program, ...(program.workspaces ?? [])]) {
        const result = await checkPackage(member, (0,util_text/* relativePosix */.Yn)(program.dir, member.dir), lockfile, shared, rules);
        findings.push(...result.findings);
        packages.push(...result.rows);
    }
    return { dir: program.dir, findings, packages };
}

;// CONCATENATED MODULE: ./src/trust.ts

const DELETED_FORK = 'a deleted fork';
const UNNAMED_HEAD = 'a repository the event does not name';
const UNNAMED_BASE = 'this repository';
/**
 * The run executes code from a fork with the base repository's secrets: pull_request_target, or workflow_run
 * whose head repository is a fork. Any other event is trusted: a plain pull_request from a fork gets no secrets.
 * When the payload does not say where the code comes from, the run counts as untrusted.
 */
function untrustedRun(eventName, payload) {
    let headRepository;
    if (eventName === 'pull_request_target')
        headRepository = field(payload, 'pull_request', 'head', 'repo');
    else if (eventName === 'workflow_run')
        headRepository = field(payload, 'workflow_run', 'head_repository');
    else
        return undefined;
    const baseName = fullName(field(payload, 'repository'));
    const headName = fullName(headRepository);
    // Owner and repository names are case-insensitive on GitHub.
    if (headName && baseName && headName.toLowerCase() === baseName.toLowerCase())
        return undefined;
    return {
        event: eventName,
        head: headName ?? (headRepository === null ? DELETED_FORK : UNNAMED_HEAD),
        base: baseName ?? UNNAMED_BASE,
    };
}
/** The webhook payload of the run (GITHUB_EVENT_PATH); undefined when unset, unreadable or not JSON. */
async function readEventPayload(eventPath) {
    if (!eventPath)
        return undefined;
    try {
        return JSON.parse(await (0,promises_.readFile)(eventPath, 'utf8'));
    }
    catch {
        return undefined;
    }
}
function untrustedRunMessage(run) {
    return (`This ${run.event} run builds code from ${run.head} with the secrets of ${run.base}, so the action does not hand it the Pulumi access token: ` +
        `that code's package.json, lockfile, .npmrc or install scripts could send the token anywhere. ` +
        `The dependency policy check still ran; set "allow-untrusted: true" to install with the token anyway, only if you trust that code.`);
}
function field(value, ...keys) {
    let current = value;
    for (const key of keys)
        current = typeof current === 'object' && current !== null ? current[key] : undefined;
    return current;
}
function fullName(repository) {
    const name = field(repository, 'full_name');
    return typeof name === 'string' && name ? name : undefined;
}

;// CONCATENATED MODULE: ./src/util/log-text.ts
/**
 * Text from the user's files (package names, lockfile URLs, paths) and from npm's output, made safe to print: the
 * runner carries out any log line that starts with `::` as a workflow command, and a URL may carry credentials.
 */
// scheme://user:password@ (or scheme://secret@): what npm redacts before it prints a URL.
const URL_CREDENTIALS = /\b([a-z][a-z\d+.-]*:\/\/)(?:([^\s/?#@:]*):)?[^\s/?#@]+@/gi;
/** `https://user:pass@host/` → `https://user:***@host/`, and `https://secret@host/` → `https://***@host/`, as npm does. */
function redactUrlCredentials(text) {
    return text.replace(URL_CREDENTIALS, (_match, scheme, user) => `${scheme}${user === undefined ? '' : `${user}:`}***@`);
}
/**
 * One log line that holds data: credentials redacted, line breaks shown as `⏎` (a name with a line break would
 * otherwise start a line of its own), and never a line that starts with `::`.
 */
function logLine(text) {
    const line = redactUrlCredentials(text).replace(/\r\n|\r|\n/g, '⏎');
    return /^\s*::/.test(line) ? `⏎${line}` : line;
}
/** Text for the job summary's markdown: no markup, no HTML, no line break, whatever the data holds. */
function markdownText(text) {
    return redactUrlCredentials(text)
        .replace(/\r\n|\r|\n/g, ' ')
        .replace(/[\\`*_{}[\]()<>#+!|~]/g, (character) => `\\${character}`);
}
/** Text as inline code in the job summary, in a table cell too: a fence longer than any run of backticks in it. */
function markdownCode(text) {
    const content = redactUrlCredentials(text)
        .replace(/\r\n|\r|\n/g, ' ')
        .replace(/\|/g, '\\|');
    const fence = '`'.repeat(Math.max(0, ...[...content.matchAll(/`+/g)].map((run) => run[0].length)) + 1);
    const pad = content.startsWith('`') || content.endsWith('`') ? ' ' : '';
    return `${fence}${pad}${content}${pad}${fence}`;
}

;// CONCATENATED MODULE: ./src/reporting.ts






function allFindings(record) {
    return record.programs.flatMap((program) => program.policy?.findings ?? []);
}

/** Findings as they may be printed: their messages quote the user's files, lockfile URLs with credentials among them. */
function printableFindings(findings) {
    return findings.map((finding) => ({ ...finding, message: redactUrlCredentials(finding.message) }));
}
/** Findings become annotations on the exact line and column, with paths relative to the repository as GitHub wants. */
function annotate(findings, workspace) {
    for (const finding of findings) {
        const properties = {
            title: finding.rule,
            file: (0,util_text/* relativePosix */.Yn)(workspace, finding.file),
            startLine: finding.line,
            startColumn: finding.column,
        };
        if (finding.endLine !== undefined)
            properties.endLine = finding.endLine;
        // GitHub ignores columns on multi-line annotations.
        if (finding.endColumn !== undefined && (finding.endLine ?? finding.line) === finding.line)
            properties.endColumn = finding.endColumn;
        if (finding.severity === 'error')
            core/* error */.z3(finding.message, properties);
        else if (finding.severity === 'warning')
            core/* warning */.$e(finding.message, properties);
        else
            core/* notice */.lm(finding.message, properties);
    }
}
/** The job summary: what was configured, installed, linked and found. Pure, so it can be tested as text. */
function summaryMarkdown(record) {
    const workspace = record.workspace;
    const lines = ['## Setup Pulumi npm', ''];
    lines.push(record.failure ? `**Failed:** ${markdownText(record.failure)}` : '**Succeeded.**', '');
    const s = record.settings;
    lines.push('| Setting | Value |', '| --- | --- |', `| Preset | ${presetLine(record)} |`, `| Scope | ${scopeLine(record)} |`, `| Token | ${tokenLine(record)} |`, `| npm config | ${npmrcLine(record)} |`, `| Install | ${s.install ? markdownCode(s.installCommand) : 'off (policy check only)'} |`, `| Links | ${s.links.length ? s.links.map(markdownCode).join(', ') : 'none'} |`, `| Cache | ${cacheLine(record)} |`, `| Policy | ${s.policy}${s.policyFile ? ` (${markdownCode((0,util_text/* relativePosix */.Yn)(workspace, s.policyFile))})` : ''} |`, '');
    for (const program of record.programs) {
        lines.push(`### Program ${markdownCode((0,util_text/* toPosix */.d7)(program.name))}`, '');
        const facts = [
            program.installed ? `install ${program.installed}${program.installSeconds !== undefined ? ` in ${program.installSeconds.toFixed(1)} s` : ''}` : undefined,
            program.scripts?.length ? `install scripts run without the token: ${program.scripts.map(markdownCode).join(', ')}` : undefined,
            ...(program.links ?? []).map((link) => `${markdownCode(link.name)} linked to ${markdownCode(link.target)}${link.version ? ` (${markdownText(link.version)})` : ''}`),
        ].filter(Boolean);
        if (facts.length)
            lines.push(...facts.map((fact) => `- ${fact}`), '');
        if (program.policy?.packages.length)
            lines.push(...markdownTable(summaryRows(program.policy)), '');
    }
    lines.push(`**Policy:** ${countLine(allFindings(record))}.`, '');
    if (record.phases.length)
        lines.push(...timingLines(record.phases), '');
    return lines.join('\n');
}
/** Where the step's time went, in the order the phases started (overlapping phases ran side by side). */
function timingLines(phases) {
    const rows = [...phases]
        .sort((a, b) => a.startSeconds - b.startSeconds)
        .map((phase) => [phase.name, `${phase.startSeconds.toFixed(2)} s`, `${phase.seconds.toFixed(2)} s`]);
    return ['### Timings', '', ...markdownTable([['Phase', 'Started at', 'Took'], ...rows])];
}
function presetLine({ settings: { preset } }) {
    if (!preset)
        return 'not read';
    return `${markdownCode(preset.name)} (${preset.origin === 'default' ? 'the default' : `from the ${preset.origin}`})`;
}
function scopeLine({ settings: { scope, registry } }) {
    if (!registry)
        return markdownCode(scope);
    const url = markdownText(registry.url);
    return registry.routed ? `${markdownCode(scope)} → ${url}` : `${markdownCode(scope)} from npm's registry (${url}), not routed: no token needed`;
}
function tokenLine(record) {
    if (record.settings.registry?.routed === false)
        return record.settings.token === 'none' ? 'none needed' : 'not needed, not handed to npm';
    const source = record.settings.token;
    if (source === 'none')
        return 'not provided';
    const from = source === 'input' ? '"pulumi-access-token" input' : 'PULUMI_ACCESS_TOKEN variable';
    return `from the ${from}${record.registry?.username ? ` (user ${markdownCode(record.registry.username)})` : ''}`;
}
function npmrcLine({ npmrc }) {
    if (!npmrc)
        return 'not written';
    return `${markdownCode(npmrc.file)}${npmrc.mergedFrom ? ` (keeps ${markdownCode(npmrc.mergedFrom)})` : ''}`;
}
function cacheLine(record) {
    if (record.settings.cache === 'false')
        return 'off';
    const cache = record.cache;
    if (!cache)
        return `${record.settings.cache === 'restore' ? 'restore only' : 'on'}, not used`;
    const outcome = cache.hit ? 'exact hit' : cache.matchedKey ? `restored ${markdownCode(cache.matchedKey)}` : 'miss';
    return `${outcome}${cache.saved ? ', saved' : ''}${cache.note ? ` (${markdownText(cache.note)})` : ''}`;
}
function markdownTable(rows) {
    const [header, ...body] = rows;
    if (!header)
        return [];
    return [
        `| ${header.map(markdownText).join(' | ')} |`,
        `| ${header.map(() => '---').join(' | ')} |`,
        ...body.map((row) => `| ${row.map(markdownText).join(' | ')} |`),
    ];
}
/** The JSON report, written where later steps can read it; paths relative to the workspace. */
async function writeJsonReport(record, runnerTemp) {
    const file = external_node_path_.join(runnerTemp, `setup-pulumi-npm-report-${process.pid}-${Date.now()}.json`);
    const relative = (file) => (0,util_text/* relativePosix */.Yn)(record.workspace, file) || '.';
    const findings = allFindings(record).map((finding) => ({ ...finding, file: relative(finding.file) }));
    const programs = record.programs.map(({ dir: _dir, name, policy, ...rest }) => ({ dir: (0,util_text/* toPosix */.d7)(name), ...rest, packages: policy?.packages ?? [] }));
    const { workspace: _workspace, ...rest } = record;
    const report = { ...rest, programs, violations: totals(findings).errors, findings };
    await promises_.writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    return file;
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./src/cache/key.ts
var key = __webpack_require__(5877);
// EXTERNAL MODULE: ./src/package-name.ts
var package_name = __webpack_require__(9999);
// EXTERNAL MODULE: ./src/token-handoff.ts + 1 modules
var token_handoff = __webpack_require__(552);
;// CONCATENATED MODULE: ./src/settings.ts









/**
 * The inputs action.yml declares, and what an empty value means. "default": action.yml's default, as an empty value
 * always has meant (a workflow may pass '' from an unset variable). "itself": empty is a value of its own.
 */
const INPUTS = {
    'pulumi-access-token': 'itself', // the PULUMI_ACCESS_TOKEN variable then
    preset: 'itself', // the policy file's preset, else pulumi-0.10
    'registry-url': 'itself', // the preset's
    scope: 'default',
    'working-directory': 'default',
    install: 'default',
    'install-command': 'itself', // rejected when installing
    link: 'itself', // the preset's
    'link-path': 'itself',
    'ignore-scripts': 'default',
    'allow-untrusted': 'default',
    cache: 'default',
    'cache-key-prefix': 'itself',
    policy: 'default',
    'policy-file': 'default',
};
const INPUT_NAMES = Object.keys(INPUTS);
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
/**
 * Reads and checks every input before anything else runs. An input the runner did not pass, or passed empty where
 * empty means the default, takes its default from action.yml (`actionYml`), the only place defaults are written.
 * `handed`: the token the main step took out of its environment, in place of the input and PULUMI_ACCESS_TOKEN.
 */
async function settings_readSettings(read, env, actionYml = ACTION_YML, handed) {
    const input = await inputValues(read, actionYml);
    const warnings = [];
    const workspace = external_node_path_.resolve(env['GITHUB_WORKSPACE'] || process.cwd());
    const token = handed ?? (0,token_handoff/* tokenOf */.B9)(input['pulumi-access-token'], env[token_handoff/* TOKEN_ENV_VARIABLE */.ZP]);
    const install = parseBoolean(input, 'install');
    const installCommand = input['install-command'].trim();
    if (install && !installCommand) {
        throw new src_errors/* ActionError */.l('Input "install-command" is empty: give the command that installs the program (for example "npm ci"), or set "install: false".');
    }
    if (install)
        checkTokenCharacters(token);
    return {
        token: token.value,
        tokenSource: token.source,
        preset: parsePreset(input.preset),
        registryUrl: input['registry-url'].trim() ? parseRegistryUrl(input['registry-url'], warnings) : undefined,
        scope: parseScope(input.scope),
        workingDirectories: parseWorkingDirectories(input['working-directory'], workspace),
        install,
        installCommand,
        links: parseLinks(input.link),
        linkPath: parseLinkPath(input['link-path'], workspace),
        ignoreScripts: parseBoolean(input, 'ignore-scripts'),
        allowUntrusted: parseBoolean(input, 'allow-untrusted'),
        cache: parseChoice(input, 'cache', ['true', 'false', 'restore']),
        cacheKeyPrefix: parseCacheKeyPrefix(input['cache-key-prefix']),
        policy: parseChoice(input, 'policy', ['error', 'warn', 'off']),
        policyFile: external_node_path_.resolve(workspace, input['policy-file'].trim()),
        workspace,
        runnerTemp: env['RUNNER_TEMP'] || external_node_os_.tmpdir(),
        warnings,
    };
}
/** An HTTP header carries visible ASCII only: any other character would fail every request, so say so at once. */
function checkTokenCharacters({ value, source }) {
    if (/^[\x21-\x7e]*$/.test(value))
        return;
    const where = source === 'input' ? 'input "pulumi-access-token"' : 'the PULUMI_ACCESS_TOKEN variable';
    throw new src_errors/* ActionError */.l(`The Pulumi access token in ${where} is malformed: it holds a line break, a space or a character that is not visible ASCII, which no HTTP ` +
        'header may carry. Copy the token again into the secret, with nothing before or after it.');
}
async function inputValues(read, actionYml) {
    const given = new Map(INPUT_NAMES.map((name) => [name, read(name)]));
    const defaulted = INPUT_NAMES.filter((name) => {
        const value = given.get(name);
        return value === undefined || (INPUTS[name] === 'default' && value.trim() === '');
    });
    const defaults = defaulted.length ? await actionDefaults(defaulted, actionYml) : new Map();
    return Object.fromEntries(INPUT_NAMES.map((name) => [name, defaults.get(name) ?? given.get(name) ?? '']));
}
function parseBoolean(input, name) {
    const value = input[name].trim();
    const lower = value.toLowerCase();
    if (lower === 'true' || lower === 'false')
        return lower === 'true';
    throw new src_errors/* ActionError */.l(`Input "${name}" is "${value}": use "true" or "false".`);
}
function parseChoice(input, name, choices) {
    const value = input[name].trim();
    if (!choices.includes(value)) {
        throw new src_errors/* ActionError */.l(`Input "${name}" is "${value}": use one of ${choices.map((c) => `"${c}"`).join(', ')}.`);
    }
    return value;
}
function parseCacheKeyPrefix(raw) {
    const prefix = raw.trim();
    if (prefix.includes(','))
        throw new src_errors/* ActionError */.l(`cache-key-prefix "${prefix}" contains a comma, which cache keys cannot hold; remove it.`);
    if (prefix.length > key/* MAX_PREFIX_LENGTH */.nA) {
        throw new src_errors/* ActionError */.l(`cache-key-prefix is too long (${prefix.length} characters): cache keys are at most ${key/* MAX_KEY_LENGTH */.uf} characters, ` +
            `which leaves ${key/* MAX_PREFIX_LENGTH */.nA} for the prefix; shorten it.`);
    }
    return prefix;
}
function parseRegistryUrl(raw, warnings) {
    const value = raw.trim();
    let url;
    try {
        url = new URL(value);
    }
    catch {
        throw new src_errors/* ActionError */.l(`Input "registry-url" is "${value}", which is not a URL: give the registry's address, for example "https://npmjs.pulumi.com/".`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new src_errors/* ActionError */.l(`Input "registry-url" is "${value}": only http:// and https:// registries are supported.`);
    }
    if (url.search || url.hash || url.username || url.password) {
        throw new src_errors/* ActionError */.l(`Input "registry-url" is "${value}": remove the query string, fragment or credentials; the token goes in "pulumi-access-token".`);
    }
    if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
        warnings.push(`Input "registry-url" uses http:// to ${url.host}: the token would travel in clear text. Use https://.`);
    }
    if (!url.pathname.endsWith('/'))
        url.pathname += '/';
    return url.toString();
}
function parseScope(raw) {
    const trimmed = raw.trim();
    const scope = trimmed.startsWith('@') ? trimmed : `@${trimmed}`;
    if (!(0,package_name/* isScope */.T)(scope)) {
        throw new src_errors/* ActionError */.l(`Input "scope" is "${trimmed}", which is not an npm scope: use lower case letters, digits, "-", "." or "_", as in "@pulumi".`);
    }
    return scope;
}
function parseWorkingDirectories(raw, workspace) {
    const entries = raw
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean);
    const seen = new Map();
    const directories = entries.map((entry) => {
        const resolved = external_node_path_.resolve(workspace, entry);
        const relative = external_node_path_.relative(workspace, resolved);
        if (relative.startsWith('..') || external_node_path_.isAbsolute(relative)) {
            throw new src_errors/* ActionError */.l(`Input "working-directory" lists "${entry}", which is outside the workspace ${workspace}: give a folder inside the repository.`);
        }
        const earlier = seen.get(resolved);
        if (earlier !== undefined) {
            throw new src_errors/* ActionError */.l(`Input "working-directory" lists the same folder twice ("${earlier}" and "${entry}"): list each program once.`);
        }
        seen.set(resolved, entry);
        return { path: resolved, input: entry };
    });
    for (const directory of directories)
        checkFolder(directory, workspace);
    return directories;
}
function checkFolder({ path: folder, input }, workspace) {
    const stat = external_node_fs_.statSync(folder, { throwIfNoEntry: false });
    if (!stat) {
        throw new src_errors/* ActionError */.l(`Input "working-directory" lists "${input}", which does not exist (${folder}): ` +
            `check the path, and that the repository was checked out first (actions/checkout).`);
    }
    if (!stat.isDirectory()) {
        throw new src_errors/* ActionError */.l(`Input "working-directory" lists "${input}", which is a file, not a folder: give the folder that holds package.json.`);
    }
    // npm writes node_modules and the lockfile where the folder really is: judge by real paths, not by the names.
    const real = external_node_fs_.realpathSync(folder);
    const relative = external_node_path_.relative(external_node_fs_.realpathSync(workspace), real);
    if (relative === '..' || relative.startsWith(`..${external_node_path_.sep}`) || external_node_path_.isAbsolute(relative)) {
        throw new src_errors/* ActionError */.l(`Input "working-directory" lists "${input}", which goes through a symbolic link to ${real}, outside the workspace ${workspace}: ` +
            `give the folder inside the repository, not a link out of it.`);
    }
}
function parsePreset(raw) {
    const value = raw.trim();
    if (value === '')
        return undefined;
    if (!presets/* PRESET_NAMES */.dO.includes(value)) {
        throw new src_errors/* ActionError */.l(`Input "preset" is "${value}": use ${presets/* PRESET_NAMES */.dO.map((name) => `"${name}"`).join(' or ')}, or leave it empty for the policy file's.`);
    }
    return value;
}
function parseLinks(raw) {
    const names = [...new Set(raw.split(/\s+/).filter(Boolean))];
    if (names.length === 0)
        return undefined;
    if (names.length === 1 && names[0] === 'none')
        return [];
    for (const name of names) {
        if (!(0,package_name/* isPackageName */.k)(name)) {
            throw new src_errors/* ActionError */.l(`Input "link" lists "${name}", which is not an npm package name: separate names with spaces or new lines.`);
        }
    }
    return names;
}
function parseLinkPath(raw, workspace) {
    const value = raw.trim();
    return value ? external_node_path_.resolve(workspace, value) : undefined;
}

;// CONCATENATED MODULE: ./src/phases.ts
/**
 * The phases' timings, for the JSON report and the job summary: a step that claims speed shows where its time goes.
 * Phases may overlap (the token check, npm's routing answer and the cache restore run side by side): each keeps its
 * own start. `now` is milliseconds since the process started (performance.now()).
 */
function phaseTimer(phases, now = () => performance.now()) {
    return async (name, work) => {
        const start = now();
        try {
            return await work();
        }
        finally {
            phases.push({ name, startSeconds: seconds(start), seconds: seconds(now() - start) });
        }
    };
}
/** Milliseconds as seconds, to the millisecond. */
function seconds(ms) {
    return Math.round(ms) / 1000;
}

// EXTERNAL MODULE: ./src/state.ts
var state = __webpack_require__(2462);
// EXTERNAL MODULE: ./src/user-files.ts
var user_files = __webpack_require__(1294);
;// CONCATENATED MODULE: ./src/policy/rules/descriptions.ts
/** What each rule of the registry (and each malformed-input check) asks for, for SARIF logs and --help. */
const RULE_DESCRIPTIONS = {
    'scoped-in-dependencies': {
        short: 'Scope packages belong in "dependencies".',
        help: 'Pulumi\'s npm packages (@pulumi/*) are regular dependencies: list each in "dependencies" only, not in devDependencies, ' +
            'optionalDependencies, peerDependencies or the bundled lists. `setup-pulumi-npm fix` moves them.',
    },
    'linked-peer': {
        short: 'A linked package is a peer dependency.',
        help: 'A package installed with `npm link` (pulumi) is listed in "peerDependencies" as "latest" and nowhere npm would install it from, ' +
            'so the link is not replaced by a registry copy. `setup-pulumi-npm fix` moves or adds it.',
    },
    'minimum-version': {
        short: 'Scope packages come from the registry at the minimum version or later.',
        help: 'Versions of Pulumi packages before the minimum (0.10.0) are only supported through the npm link workflow: use a registry range that ' +
            'starts at the minimum, such as "^0.10.0". `setup-pulumi-npm fix` raises registry ranges; git, file and URL specs are changed by hand.',
    },
    'strict-dependencies': {
        short: 'List only the packages the program loads.',
        help: 'Pulumi programs should list only the packages they strictly depend on: remove a scope or linked package no source file loads. ' +
            '`setup-pulumi-npm fix` removes it.',
    },
    'undeclared-dependency': {
        short: 'Every scope package the sources load is listed.',
        help: 'A scope package a source file imports or requires is listed in "dependencies" (a linked package in "peerDependencies"). ' +
            '`setup-pulumi-npm fix` adds it with the version npm resolved, or the minimum version.',
    },
    'consistent-versions': {
        short: 'Scope packages share one release line.',
        help: 'The @pulumi packages of a 0.x release are made to work together: keep them on the same minor version. Run npm install and commit the lockfile.',
    },
    'lockfile-registry': {
        short: 'The lockfile installs scope packages from the registry, in step with package.json.',
        help: "package-lock.json resolves each scope package from the scope's registry and matches package.json. Run npm install and commit the lockfile.",
    },
    'installed-tree': {
        short: 'node_modules holds the versions the lockfile records.',
        help: 'After the install and links, each scope package in node_modules is the version package-lock.json records. Run npm ci.',
    },
    'package-json': {
        short: 'package.json is valid JSON that npm can read.',
        help: 'package.json must be a strict JSON object (no comments, no duplicate keys) with string version specs.',
    },
    preset: {
        short: "The program's layout fits another preset.",
        help: 'A program of today (@pulumi/pulumi 1.0 or later in "dependencies", no linked pulumi peer) checked with the pulumi-0.10 preset: ' +
            'set "preset: current" (an input of the action, or a key of the policy file) to check it against its own layout.',
    },
    'package-manager': {
        short: "Pulumi.yaml's package manager is npm.",
        help: 'Pulumi.yaml asks for yarn, pnpm or bun, and this action installs with npm: give the install command in "install-command", ' +
            'or set "install: false" to run the policy check alone.',
    },
    'policy-file': {
        short: 'The policy file is valid.',
        help: 'The policy file (.github/pulumi-npm-policy.yml) must be valid YAML that follows the schema in the README.',
    },
};

;// CONCATENATED MODULE: ./src/sarif.ts





const TOOL = 'setup-pulumi-npm';
const FINGERPRINT = 'setupPulumiNpmFinding/v1';
/**
 * A SARIF 2.1.0 log of `findings`, with file paths relative to `root` (the repository, for code scanning). Pure.
 * Each rule id carries its description; each result a fingerprint that stays put when lines move.
 */
function sarifLog(findings, root) {
    const ids = Object.keys(RULE_DESCRIPTIONS);
    const rules = ids.map((id) => ({
        id,
        shortDescription: { text: RULE_DESCRIPTIONS[id].short },
        fullDescription: { text: RULE_DESCRIPTIONS[id].help },
        help: { text: RULE_DESCRIPTIONS[id].help },
    }));
    const results = findings.map((finding) => {
        // A URI reference: each path segment percent-encoded (a space is not allowed in one).
        const uri = (0,util_text/* relativePosix */.Yn)(root, finding.file).split('/').map(encodeURIComponent).join('/');
        const region = {
            startLine: finding.line,
            startColumn: finding.column,
            endLine: finding.endLine ?? finding.line,
            endColumn: finding.endColumn ?? finding.column,
        };
        return {
            ruleId: finding.rule,
            ruleIndex: ids.indexOf(finding.rule),
            level: finding.severity === 'error' ? 'error' : 'warning',
            message: { text: finding.message },
            locations: [{ physicalLocation: { artifactLocation: { uri }, region } }],
            partialFingerprints: { [FINGERPRINT]: fingerprint(finding, uri) },
        };
    });
    return {
        $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
        version: '2.1.0',
        runs: [{ tool: { driver: { name: TOOL, rules } }, results }],
    };
}
/** The rule, the file and the package (or, for findings about no package, the message): not the line, which moves. */
function fingerprint(finding, uri) {
    return (0,external_node_crypto_.createHash)('sha256')
        .update([finding.rule, uri, finding.package ?? finding.message].join('\0'))
        .digest('hex')
        .slice(0, 32);
}
/** Writes the SARIF log beside the JSON report; returns its path (the `sarif` output). */
async function writeSarifLog(findings, workspace, runnerTemp) {
    const file = (0,external_node_path_.join)(runnerTemp, `setup-pulumi-npm-report-${process.pid}-${Date.now()}.sarif`);
    await (0,promises_.writeFile)(file, `${JSON.stringify(sarifLog(findings, workspace), null, 2)}\n`);
    return file;
}

;// CONCATENATED MODULE: ./src/steps/cache.ts





// The cache client (with the Azure SDK) is most of the bundle: it is loaded only by runs that use the cache.
const cacheModule = () => Promise.all(/* import() */[__webpack_require__.e(691), __webpack_require__.e(469)]).then(__webpack_require__.bind(__webpack_require__, 1469));
/** Restores node_modules, or says in one line why not; undefined when the cache is off or unavailable. */
async function restoreStep(settings, npm, programs, links) {
    if (settings.cache === 'false')
        return undefined;
    const { cacheServiceUnavailable, planNodeModulesCache, restoreNodeModules } = await cacheModule();
    const unavailable = cacheServiceUnavailable();
    if (unavailable) {
        core/* notice */.lm(unavailable);
        return undefined;
    }
    const linked = await symlinkedNodeModules(settings);
    if (linked) {
        core/* warning */.$e(`${linked}: the node_modules cache is off for this run, because a restore would write through the link. Remove the link.`);
        return undefined;
    }
    return core/* group */.Os('Restore node_modules', async () => {
        const versions = await toolVersions(npm, settings.workspace);
        const plan = await planNodeModulesCache({
            workspace: settings.workspace,
            programs,
            prefix: settings.cacheKeyPrefix,
            installCommand: settings.installCommand,
            registryUrl: npm.registryUrl,
            links,
            nodeVersion: versions.node,
            npmVersion: versions.npm,
        });
        const restored = say(await restoreNodeModules(plan.paths, plan));
        const note = restored.message?.level === 'info' ? undefined : restored.message?.text;
        return { plan, record: { hit: restored.hit, primaryKey: plan.primaryKey, matchedKey: restored.matchedKey, saved: false, note } };
    });
}
/** Whether the restored tree of a program is the one its lockfile describes, so the install can be skipped. */
async function restoredTreeIsCurrent(programDir, links) {
    return (await cacheModule()).isInstalledTreeCurrent(programDir, links);
}
/** Saves right after a successful install, so a later failing step does not lose it; true when it saved. */
async function saveStep(settings, cache, eventName, untrusted) {
    const { reasonNotToSave, saveNodeModules } = await cacheModule();
    // The install (or a script it ran) may have made the link since the restore.
    const linked = await symlinkedNodeModules(settings);
    if (linked) {
        core/* warning */.$e(`${linked}: node_modules was not saved, because the archive would take what the link points to. Remove the link.`);
        return false;
    }
    const skip = reasonNotToSave(settings.cache, cache.record.hit, eventName, untrusted);
    if (skip) {
        core/* info */.pq(`Not saving node_modules: ${skip}.`);
        return false;
    }
    const saved = await core/* group */.Os('Save node_modules', async () => say(await saveNodeModules(cache.plan.paths, cache.plan.primaryKey)));
    return saved.saved;
}
/** The first program whose node_modules is a symbolic link, described for a warning; undefined when none is. */
async function symlinkedNodeModules({ workspace, workingDirectories }) {
    for (const { path: dir } of workingDirectories) {
        const nodeModules = external_node_path_.join(dir, 'node_modules');
        const stat = await (0,promises_.lstat)(nodeModules).catch(() => undefined);
        if (stat?.isSymbolicLink()) {
            const target = await (0,promises_.readlink)(nodeModules).catch(() => '?');
            return `${external_node_path_.relative(workspace, nodeModules)} is a symbolic link (to ${target})`;
        }
    }
    return undefined;
}
function say(result) {
    const message = result.message;
    if (message?.level === 'warning')
        core/* warning */.$e(message.text);
    else if (message?.level === 'notice')
        core/* notice */.lm(message.text);
    else if (message)
        core/* info */.pq(logLine(message.text));
    return result;
}

// EXTERNAL MODULE: ./node_modules/diff/libesm/patch/create.js + 2 modules
var create = __webpack_require__(7291);
// EXTERNAL MODULE: ./node_modules/jsonc-parser/lib/umd/main.js
var main = __webpack_require__(9547);
;// CONCATENATED MODULE: ./src/fix/apply.ts

/**
 * package.json with `edits` made in place: each one a minimal text edit, so indentation, key order, line endings
 * and the final newline stay as they were. Pure.
 */
function applyFix(text, edits) {
    // The JSON parser does not read a byte order mark: it is set aside and put back.
    const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
    const formatting = detectFormatting(text);
    let result = text.slice(bom.length);
    for (const edit of edits)
        result = (0,main.applyEdits)(result, textEdits(result, edit, formatting));
    return bom + result;
}
/** The text edits of one change. Removing a section's last entry leaves `{}` or `[]`, not an empty block of lines. */
function textEdits(text, edit, formatting) {
    const root = (0,main.parseTree)(text);
    const section = root === undefined ? undefined : (0,main.findNodeAtLocation)(root, [edit.section]);
    const entries = section?.children ?? [];
    if (edit.kind === 'set')
        return (0,main.modify)(text, [edit.section, edit.name], edit.spec, { formattingOptions: formatting });
    if (section?.type === 'array') {
        const index = entries.findIndex((item) => item.value === edit.name);
        if (index === -1)
            return [];
        if (entries.length === 1)
            return (0,main.modify)(text, [edit.section], [], { formattingOptions: formatting });
        // jsonc-parser's own removal from an array can break the text: cut the item and the comma before it (after it, for the first).
        const [start, end] = index === 0 ? [entries[0].offset, entries[1].offset] : [endOf(entries[index - 1]), endOf(entries[index])];
        return [{ offset: start, length: end - start, content: '' }];
    }
    if (section?.type !== 'object' || !entries.some((property) => property.children?.[0]?.value === edit.name))
        return [];
    if (entries.length === 1)
        return (0,main.modify)(text, [edit.section], {}, { formattingOptions: formatting });
    return (0,main.modify)(text, [edit.section, edit.name], undefined, { formattingOptions: formatting });
}
function endOf(node) {
    return node.offset + node.length;
}
/** The file's own indentation (the first indented line's) and line ending. */
function detectFormatting(text) {
    const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    return indent.startsWith('\t') ? { insertSpaces: false, tabSize: 1, eol } : { insertSpaces: true, tabSize: indent.length, eol };
}

;// CONCATENATED MODULE: ./src/fix/plan.ts





/** The rules whose findings fix repairs in package.json; the others (lockfile, consistent versions) need npm. */
const FIXABLE_RULES = new Set([
    'scoped-in-dependencies',
    'linked-peer',
    'minimum-version',
    'strict-dependencies',
    'undeclared-dependency',
]);
/**
 * The edits that repair the findings of the fixable rules in one package.json, and notes for the ones it cannot
 * repair. Pure: only the entries the findings name are touched, and each entry at most once.
 */
function planFix({ packageJson, findings, options, resolved }) {
    const manifest = (0,policy_manifest/* parseManifest */.N)(packageJson).manifest;
    const plan = { edits: [], notes: [] };
    if (manifest === undefined)
        return plan;
    const { config } = options;
    const links = options.links;
    const listedIn = (section, name) => manifest.entries.some((e) => e.section === section && e.name === name);
    const add = (edit) => {
        if (!plan.edits.some((e) => e.section === edit.section && e.name === edit.name))
            plan.edits.push(edit);
    };
    const remove = (entry) => add({ kind: 'remove', section: entry.section, name: entry.name });
    for (const finding of findings) {
        const name = finding.package;
        if (name === undefined || !FIXABLE_RULES.has(finding.rule))
            continue;
        const entry = manifest.entries.find((e) => e.name === name && isAt(finding, e));
        switch (finding.rule) {
            case 'scoped-in-dependencies': {
                const disallowed = config.allowedPackages !== undefined && !config.allowedPackages.includes(name);
                if (entry === undefined || entry.section === 'dependencies' || disallowed) {
                    plan.notes.push(`${name}: ${finding.message}`);
                    break;
                }
                if (!listedIn('dependencies', name))
                    add({ kind: 'set', section: 'dependencies', name, spec: keptOrFloor(entry, (0,rules_context/* minimumFor */.GH)(config, name)) });
                remove(entry);
                break;
            }
            case 'linked-peer':
                if (entry !== undefined && entry.section !== 'peerDependencies')
                    remove(entry);
                if (entry?.section === 'peerDependencies' || !listedIn('peerDependencies', name)) {
                    add({ kind: 'set', section: 'peerDependencies', name, spec: config.linkedPeerRange });
                }
                break;
            case 'minimum-version': {
                if (entry === undefined)
                    break;
                const spec = (0,specs/* classifySpec */.ug)(name, entry.spec, (0,external_node_path_.dirname)(packageJson.path));
                const fromRegistry = spec.kind === 'range' || spec.kind === 'tag';
                const floor = `^${(0,rules_context/* minimumFor */.GH)(config, name) ?? '0.0.0'}`;
                if (fromRegistry && spec.target === name)
                    add({ kind: 'set', section: entry.section, name, spec: floor });
                else {
                    const what = fromRegistry ? `an alias of "${spec.target}"` : 'not a registry range';
                    plan.notes.push(`${name}: "${entry.spec}" is ${what}; change it by hand to "${floor}" if the registry should serve it.`);
                }
                break;
            }
            case 'strict-dependencies':
                if (entry !== undefined)
                    remove(entry);
                break;
            case 'undeclared-dependency':
                if (links.includes(name))
                    add({ kind: 'set', section: 'peerDependencies', name, spec: config.linkedPeerRange });
                else {
                    const spec = resolvedOrFloor(resolved.get(name), (0,rules_context/* minimumFor */.GH)(config, name));
                    if (spec === undefined)
                        plan.notes.push(`${name}: neither the lockfile nor a floor gives its version; run npm install ${name}.`);
                    else
                        add({ kind: 'set', section: 'dependencies', name, spec });
                }
                break;
        }
    }
    return plan;
}
/** The finding points at the entry: at its key (the whole entry) or at its value. */
function isAt(finding, entry) {
    return [entry.span.start, entry.valueSpan.start].some((start) => start.line === finding.line && start.column === finding.column);
}
/** A misplaced entry's own range when it starts at the floor or above, else the floor's caret range. */
function keptOrFloor(entry, minimum) {
    const valid = semver_default().validRange(entry.spec) !== null && entry.spec !== '';
    if (minimum === undefined)
        return entry.spec;
    return valid && !(0,specs/* admitsBelow */.mQ)(entry.spec, minimum) ? entry.spec : `^${minimum}`;
}
/** `^<version>` for the version npm resolved (as `npm install <name>` saves it), unless it is below the floor. */
function resolvedOrFloor(version, minimum) {
    if (version !== undefined && semver_default().valid(version) !== null && (minimum === undefined || !semver_default().lt(version, minimum)))
        return `^${version}`;
    return minimum === undefined ? undefined : `^${minimum}`;
}
/** How an edit reads in fix's output: `+ dependencies "@pulumi/aws": "^0.10.0"` or `- devDependencies "@pulumi/aws"`. */
function describeEdit(edit) {
    return edit.kind === 'set'
        ? `+ ${edit.section} ${JSON.stringify(edit.name)}: ${JSON.stringify(edit.spec)}`
        : `- ${edit.section} ${JSON.stringify(edit.name)}`;
}

;// CONCATENATED MODULE: ./src/fix/program.ts









/** Rounds of check and fix: a fix can uncover a finding the first check did not report (a moved entry nothing loads). */
const MAX_ROUNDS = 3;
/**
 * Fixes a program and its workspaces in memory: checks, fixes, and checks again until nothing more changes. Returns
 * each changed package.json (before the first round, after the last), what is left to do by hand, and the findings
 * left. Writes nothing.
 */
async function fixProgram(program, options) {
    let current = program;
    let left = (await checkProgram(current, options)).findings;
    const fixes = new Map();
    let notes = [];
    for (let round = 0; round < MAX_ROUNDS; round++) {
        const planned = await planRound(current, left, options);
        notes = planned.flatMap(({ file, notes }) => notes.map((note) => ({ file, note })));
        const changed = planned.filter((fix) => fix.after !== fix.before);
        if (changed.length === 0)
            break;
        for (const { file, before, after } of changed) {
            const original = fixes.get(file)?.before ?? before;
            fixes.set(file, { file, before: original, after, changes: netChanges(file, original, after) });
        }
        current = withFixes(current, changed);
        left = (await checkProgram(current, options)).findings;
    }
    return { fixes: [...fixes.values()], notes, left };
}
/** One round: the fixes of each package.json for the findings of one check. */
async function planRound(program, findings, options) {
    const read = program.lockfile === undefined ? undefined : (0,policy_lockfile/* parseLockfile */.tg)(program.lockfile);
    const lockfile = read !== undefined && 'lockfile' in read ? read.lockfile : undefined;
    const fixes = [];
    for (const member of [program, ...(program.workspaces ?? [])]) {
        const sources = new Set(member.sources.map((source) => source.path));
        const own = findings.filter((finding) => finding.file === member.packageJson.path || sources.has(finding.file));
        const resolved = new Map();
        for (const finding of own) {
            const name = finding.rule === 'undeclared-dependency' ? finding.package : undefined;
            if (name === undefined || resolved.has(name))
                continue;
            const locked = lockfile && (0,policy_lockfile/* installedFor */._m)(lockfile, (0,util_text/* relativePosix */.Yn)(program.dir, member.dir), name)?.version;
            const version = locked ?? (await (0,util_files/* readPackageManifest */.i7)((0,external_node_path_.join)(member.dir, 'node_modules', name)))?.version;
            if (version !== undefined)
                resolved.set(name, version);
        }
        const plan = planFix({ packageJson: member.packageJson, findings: own, options, resolved });
        const before = member.packageJson.text;
        fixes.push({ file: member.packageJson.path, before, after: applyFix(before, plan.edits), notes: plan.notes });
    }
    return fixes;
}
/** The program as it reads after the fixes, to check again without writing anything. */
function withFixes(program, fixes) {
    const after = (member) => {
        const text = fixes.find((fix) => fix.file === member.packageJson.path)?.after ?? member.packageJson.text;
        return { ...member, packageJson: { path: member.packageJson.path, text } };
    };
    const fixed = after(program);
    if (program.workspaces !== undefined)
        fixed.workspaces = program.workspaces.map(after);
    return fixed;
}
/** A unified diff of one fix, with `name` (a path relative to where it is shown) in the headers. */
function unifiedDiff(name, fix) {
    return (0,create/* createTwoFilesPatch */.ss)(`a/${name}`, `b/${name}`, fix.before, fix.after, undefined, undefined, { context: 3 }).replace(/^=+\n/, '');
}
/** The entries a fix added, removed or changed, as fix prints them: what changed overall, not round by round. */
function netChanges(file, before, after) {
    const specs = (text) => new Map(((0,policy_manifest/* parseManifest */.N)({ path: file, text }).manifest?.entries ?? []).map((e) => [`${e.section}\0${e.name}`, e]));
    const old = specs(before);
    const now = specs(after);
    const changes = [];
    for (const [key, entry] of old)
        if (!now.has(key))
            changes.push(describeEdit({ kind: 'remove', section: entry.section, name: entry.name }));
    for (const [key, entry] of now) {
        if (old.get(key)?.spec !== entry.spec)
            changes.push(describeEdit({ kind: 'set', section: entry.section, name: entry.name, spec: entry.spec }));
    }
    return changes;
}

// EXTERNAL MODULE: ./node_modules/tinyglobby/dist/index.mjs + 1 modules
var dist = __webpack_require__(6448);
// EXTERNAL MODULE: ./node_modules/ignore/index.js
var ignore = __webpack_require__(298);
var ignore_default = /*#__PURE__*/__webpack_require__.n(ignore);
;// CONCATENATED MODULE: ./src/program-files/walk.ts








const MAX_DEPTH = 64;
const MAX_FILES = 500_000;
const MAX_PARENTS = 64;
/** gitignore patterns are paths: a line longer than any path is not one, and would build a regular expression too large to run. */
const MAX_IGNORE_LINE = 4096;
const SKIPPED_FOLDERS = new Set(['node_modules', 'bower_components', 'jspm_packages']);
/**
 * The source files of the program in `dir`: the script extensions, leaving out node_modules, hidden folders, the
 * TypeScript build output (tsconfig's outDir), what .gitignore files ignore (the repository's, from its root or the
 * workspace down, whichever is nearer), the policy's ignored paths, and nested packages (folders with their own
 * package.json). Symbolic links are not followed.
 */
function listSources(dir, ignoredPaths, { workspace, notice = () => { } } = {}) {
    const outDir = buildOutput(dir);
    const own = ignore_default()()
        .add(ignoredPaths)
        .add(outDir === undefined ? [] : [`/${outDir}/`]);
    const bad = ignoredPaths.find(unusable);
    if (bad !== undefined) {
        const shown = bad.length > 80 ? `${bad.slice(0, 80)}…` : bad;
        throw new src_errors/* ActionError */.l(`"ignore.paths" in the policy file holds "${shown}" (${bad.length} characters), which is not a usable path pattern: fix or remove it.`);
    }
    const readLayer = (folder) => ignoreLayer(folder, notice);
    const layers = [...repositoryIgnores(dir, workspace, readLayer), { base: dir, rules: own }].filter((layer) => layer !== undefined);
    const files = [];
    const pending = [{ path: dir, depth: 0, layers }];
    while (pending.length > 0) {
        const { path, depth, layers: inherited } = pending.pop();
        const entries = (0,external_node_fs_.readdirSync)(path, { withFileTypes: true });
        const names = new Set(entries.map((entry) => entry.name));
        if (depth > 0 && names.has('package.json'))
            continue;
        const nested = names.has('.gitignore') && depth > 0 ? readLayer(path) : undefined;
        const here = nested === undefined ? inherited : [...inherited, nested];
        for (const entry of entries) {
            const child = (0,external_node_path_.join)(path, entry.name);
            if (entry.isDirectory()) {
                if (depth >= MAX_DEPTH || entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name) || isIgnored(here, child, true))
                    continue;
                pending.push({ path: child, depth: depth + 1, layers: here });
            }
            else if (entry.isFile() && SOURCE_EXTENSIONS.some((extension) => entry.name.endsWith(extension)) && !isIgnored(here, child, false)) {
                files.push(child);
                if (files.length > MAX_FILES)
                    throw new src_errors/* ActionError */.l(`More than ${MAX_FILES} source files under ${dir}; add folders to "ignore.paths" in the policy file.`);
            }
        }
    }
    return files.sort();
}
function isIgnored(layers, path, isDirectory) {
    for (const { base, rules } of layers) {
        // The layers' folders are parents of `path`: slicing is exact, and far cheaper than path.relative.
        const posix = (0,util_text/* toPosix */.d7)(path.slice(base.length + 1));
        if (rules.ignores(isDirectory ? `${posix}/` : posix))
            return true;
    }
    return false;
}
/**
 * The rules of the .gitignore in `folder`; undefined when it has none (nothing to test). A line the ignore library
 * cannot turn into a pattern (an absurdly long one, say) is left out, with a notice on that line.
 */
function ignoreLayer(folder, notice) {
    const file = (0,external_node_path_.join)(folder, '.gitignore');
    const text = readOptional(file);
    if (text === undefined || text.trim() === '')
        return undefined;
    const lines = text.split(/\r?\n/);
    const kept = lines.map((line, index) => {
        if (!unusable(line))
            return line;
        notice(`Line ${index + 1} of this .gitignore (${line.length} characters) is not a pattern the source scan can use: it was left out.`, {
            file,
            line: index + 1,
        });
        return '';
    });
    return { base: folder, rules: ignore_default()().add(kept) };
}
/** A gitignore line the ignore library would choke on: longer than a path, or one it cannot compile. */
function unusable(line) {
    if (line.length > MAX_IGNORE_LINE)
        return true;
    try {
        ignore_default()().add(line).ignores('probe');
        return false;
    }
    catch {
        return true;
    }
}
/** A file that only refines the walk (.gitignore, tsconfig.json): one that cannot be read (a folder, say) counts as absent. */
function readOptional(path) {
    try {
        return (0,util_files/* readTextIfExistsSync */.gU)(path);
    }
    catch {
        return undefined;
    }
}
/**
 * The .gitignore files from the repository root (the nearest folder with .git) or the workspace, whichever comes
 * first, down to `dir`, inclusive. Never above the workspace: a checkout without .git may sit inside another
 * repository, whose .gitignore is not the program's.
 */
function repositoryIgnores(dir, workspace, readLayer) {
    const chain = [];
    let folder = dir;
    for (let i = 0; i < MAX_PARENTS; i++) {
        chain.unshift(folder);
        if (folder === workspace || (0,external_node_fs_.existsSync)((0,external_node_path_.join)(folder, '.git')))
            break;
        const parent = (0,external_node_path_.dirname)(folder);
        const leavesWorkspace = workspace !== undefined && (0,external_node_path_.relative)(workspace, parent).startsWith('..');
        if (parent === folder || leavesWorkspace)
            return [readLayer(dir)]; // not in a repository: only the program's own
        folder = parent;
    }
    return chain.map(readLayer);
}
/** tsconfig.json's compilerOptions.outDir, relative to `dir`, when it lies inside it. */
function buildOutput(dir) {
    const text = readOptional((0,external_node_path_.join)(dir, 'tsconfig.json'));
    if (text === undefined)
        return undefined;
    const outDir = (0,main.parse)(text)?.compilerOptions?.outDir;
    if (typeof outDir !== 'string')
        return undefined;
    const rel = (0,util_text/* relativePosix */.Yn)(dir, (0,external_node_path_.join)(dir, outDir));
    return rel === '' || rel.startsWith('..') ? undefined : rel;
}

;// CONCATENATED MODULE: ./src/program-files/read.ts









const STACK_FILE = /^Pulumi(\.[^/\\]+)?\.ya?ml$/;
/** A source above this size is generated (a bundle, a client): parsing it would take ~50 times its size in memory. */
const MAX_SOURCE_BYTES = 1024 * 1024;
/** Bounds of the search for npm workspaces: how deep a pattern may reach, how many members, how long. */
const WORKSPACES_DEPTH = 8;
const MAX_WORKSPACES = 500;
const WORKSPACES_TIME_MS = 10_000;
/**
 * Reads what the static check needs from a program folder: package.json, package-lock.json, the sources, the
 * Pulumi stack files and, for a workspace root, each workspace. Throws ActionError when package.json is missing;
 * a malformed package.json is read as text and reported by the check.
 */
async function readProgram(dir, config, options = {}) {
    const root = (0,external_node_path_.resolve)(dir);
    const program = await readPackage(root, config, options);
    const lockfile = read_readOptional((0,external_node_path_.join)(root, 'package-lock.json'));
    if (lockfile !== undefined)
        program.lockfile = lockfile;
    const workspaces = (0,policy_manifest/* parseManifest */.N)(program.packageJson).manifest?.workspaces ?? [];
    if (workspaces.length > 0) {
        const members = [];
        for (const memberDir of await workspaceFolders(root, program.packageJson, workspaces, options)) {
            if (read_readOptional((0,external_node_path_.join)(memberDir, 'package.json')) !== undefined)
                members.push(await readPackage(memberDir, config, options));
        }
        program.workspaces = members;
    }
    return program;
}
/**
 * The folders the `workspaces` patterns match, kept inside the program (and so the workspace): a pattern that
 * leaves it is dropped, the search is bounded in depth, members and time, and what was cut is said in a notice on
 * package.json's "workspaces" line.
 */
async function workspaceFolders(root, packageJson, patterns, { notice = () => { } }) {
    const where = { file: packageJson.path, line: lineOf(packageJson.text, '"workspaces"') };
    const leaves = (pattern) => (0,external_node_path_.isAbsolute)(pattern) || /^[\\/]/.test(pattern) || pattern.split(/[\\/]/).includes('..');
    const outside = patterns.filter(leaves);
    if (outside.length)
        notice(`The workspaces ${outside.map((p) => `"${p}"`).join(', ')} leave the program's folder: they were not read.`, where);
    const inside = patterns.filter((pattern) => !leaves(pattern));
    if (!inside.length)
        return [];
    let folders;
    try {
        folders = await (0,dist/* glob */.TI)(inside, {
            cwd: root,
            onlyDirectories: true,
            absolute: true,
            ignore: ['**/node_modules/**'],
            deep: WORKSPACES_DEPTH,
            followSymbolicLinks: false,
            signal: AbortSignal.timeout(WORKSPACES_TIME_MS),
        });
    }
    catch (error) {
        const name = error.name;
        throw new src_errors/* ActionError */.l(name === 'TimeoutError' || name === 'AbortError'
            ? `Finding the workspaces of ${packageJson.path} (line ${where.line}) took longer than ${WORKSPACES_TIME_MS / 1000} s: ` +
                'use narrower patterns, such as "packages/*".'
            : `Cannot search the workspaces of ${packageJson.path} (line ${where.line}): ${error.message}`);
    }
    const realRoot = (0,external_node_fs_.realpathSync)(root);
    const members = [...new Set(folders.map((folder) => (0,external_node_path_.resolve)(folder)))]
        .filter((folder) => folder !== root && isInside(realRoot, realpathOrSelf(folder)))
        .sort();
    if (members.length > MAX_WORKSPACES) {
        notice(`The workspaces patterns match ${members.length} folders: only the first ${MAX_WORKSPACES} were checked.`, where);
        return members.slice(0, MAX_WORKSPACES);
    }
    return members;
}
/** A folder that vanished since the search is judged by its name. */
function realpathOrSelf(folder) {
    try {
        return (0,external_node_fs_.realpathSync)(folder);
    }
    catch {
        return folder;
    }
}
function isInside(parent, child) {
    const rel = (0,external_node_path_.relative)(parent, child);
    return rel !== '' && !rel.startsWith('..') && !(0,external_node_path_.isAbsolute)(rel);
}
/** The 1-based line where `needle` first occurs in `text` (1 when it does not). */
function lineOf(text, needle) {
    const index = text.indexOf(needle);
    return index < 0 ? 1 : text.slice(0, index).split('\n').length;
}
async function readPackage(dir, config, options) {
    const packageJson = read_readOptional((0,external_node_path_.join)(dir, 'package.json'));
    if (packageJson === undefined)
        throw new src_errors/* ActionError */.l(`No package.json in ${dir}; set working-directory to the folder of the Pulumi program.`);
    const names = await (0,promises_.readdir)(dir);
    const stackConfigs = readAll(names
        .filter((name) => STACK_FILE.test(name))
        .sort()
        .map((name) => (0,external_node_path_.join)(dir, name)));
    const sources = readSources(dir, listSources(dir, config.ignorePaths, options), options);
    return { dir, packageJson, sources, stackConfigs };
}
/** Reads the policy file (the `policy-file` input); undefined when there is none, which means the default preset. */
async function readPolicyFile(path) {
    return read_readOptional((0,external_node_path_.resolve)(path));
}
/** Reads, after install and link, the version of each scope package in node_modules, and package-lock.json. */
async function readInstalledTree(dir, options) {
    const root = (0,external_node_path_.resolve)(dir);
    const scopeDir = (0,external_node_path_.join)(root, 'node_modules', options.scope);
    const names = await (0,promises_.readdir)(scopeDir).catch(() => []);
    const scopePackages = await Promise.all(names
        .filter((name) => !name.startsWith('.'))
        .map(async (name) => {
        const pkg = { name: `${options.scope}/${name}` };
        const version = (await (0,util_files/* readPackageManifest */.i7)((0,external_node_path_.join)(scopeDir, name)))?.version;
        if (version !== undefined)
            pkg.version = version;
        return pkg;
    }));
    const input = { scopePackages };
    const lockfile = read_readOptional((0,external_node_path_.join)(root, 'package-lock.json'));
    if (lockfile !== undefined)
        input.lockfile = lockfile;
    return input;
}
/** The sources to scan: those above MAX_SOURCE_BYTES are left out, and named in one notice. */
function readSources(dir, paths, { notice = () => { } }) {
    const large = new Set(paths.filter((path) => ((0,external_node_fs_.statSync)(path, { throwIfNoEntry: false })?.size ?? 0) > MAX_SOURCE_BYTES));
    if (large.size) {
        const names = [...large].map((path) => (0,util_text/* relativePosix */.Yn)(dir, path)).join(', ');
        const [them, they] = large.size === 1 ? ['it', 'it loads'] : ['them', 'they load'];
        notice(`Left out of the source scan ${(0,util_text/* plural */.LS)(large.size, 'file')} larger than ${MAX_SOURCE_BYTES / 1024 / 1024} MiB (generated code, most likely), ` +
            `so what ${they} is not checked: ${names}. Add ${them} to "ignore.paths" in the policy file to silence this.`, { file: (0,external_node_path_.join)(dir, 'package.json') });
    }
    return readAll(paths.filter((path) => !large.has(path)));
}
/** Reads source files one after another: for thousands of small files a synchronous read is several times faster than the promise API. */
function readAll(paths) {
    return paths.map((path) => {
        try {
            return { path, text: (0,external_node_fs_.readFileSync)(path, 'utf8') };
        }
        catch (error) {
            throw cannotRead(path, error);
        }
    });
}
function read_readOptional(path) {
    try {
        const text = (0,util_files/* readTextIfExistsSync */.gU)(path);
        return text === undefined ? undefined : { path, text };
    }
    catch (error) {
        throw cannotRead(path, error);
    }
}
function cannotRead(path, error) {
    return new src_errors/* ActionError */.l(`Cannot read ${path}: ${error.message}`);
}

;// CONCATENATED MODULE: ./src/npm-registry.ts



/** npm's built-in registry, when no config names another. */
const NPM_DEFAULT_REGISTRY = 'https://registry.npmjs.org/';
/**
 * Where npm resolves `scope` in `programDir` when the action routes nothing: the scope's own `<scope>:registry`,
 * else `registry`, each from the environment (npm_config_*), then the program's .npmrc, then the user's; else npm's
 * default. The same order npm reads them in, without starting npm. ${VARIABLE} references are expanded as npm does.
 */
async function npmRegistryFor(scope, programDir, env) {
    const files = [external_node_path_.join(programDir, '.npmrc'), userConfigPath(env)].filter((file) => file !== undefined);
    const layers = [
        environmentLayer(env),
        ...(await Promise.all(files.map(async (file) => parseNpmrc((await (0,util_files/* readTextIfExists */.TP)(file).catch(() => '')) ?? '', env)))),
    ];
    for (const key of [`${scope}:registry`, 'registry']) {
        const value = layers.find((layer) => layer.get(key))?.get(key);
        if (value)
            return value.endsWith('/') ? value : `${value}/`;
    }
    return NPM_DEFAULT_REGISTRY;
}
function environmentLayer(env) {
    const layer = new Map();
    for (const [name, value] of Object.entries(env)) {
        if (value && name.toLowerCase().startsWith('npm_config_'))
            layer.set(name.slice('npm_config_'.length).toLowerCase(), value);
    }
    return layer;
}
/** The key=value lines of an .npmrc (comments and sections left out), with ${VARIABLE} expanded. */
function parseNpmrc(text, env) {
    const layer = new Map();
    for (const line of text.split(/\r?\n/)) {
        const match = /^\s*([^#;=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line);
        if (!match)
            continue;
        const value = match[2].replace(/^(['"])(.*)\1$/, '$2').replace(/\$\{([^}]+)\}/g, (_, name) => env[name] ?? '');
        layer.set(match[1], value);
    }
    return layer;
}

;// CONCATENATED MODULE: ./src/steps/policy.ts









/**
 * The policy file and the options every check runs with: the preset (the `preset`
 * input, else the file's, else the default) decides the registry and the links the inputs leave empty. An invalid
 * policy file fails the run, with its errors as annotations: checking with another preset would mislead.
 */
async function readPolicy(settings, env) {
    // Read even with the policy off: its preset decides the registry and the links.
    const file = await readPolicyFile(settings.policyFile);
    const { config, findings } = await parsePolicyConfig(file, settings.preset);
    if (config === undefined) {
        annotate(printableFindings(findings), settings.workspace);
        throw new src_errors/* ActionError */.l(`The policy file ${(0,util_text/* relativePosix */.Yn)(settings.workspace, settings.policyFile)} is invalid (${(0,util_text/* plural */.LS)(findings.length, 'error')}, see the annotations): ` +
            'fix it; the check does not fall back to another preset.');
    }
    const origin = config.presetOrigin === 'default' ? 'the default: neither the "preset" input nor the policy file names one' : `from the ${config.presetOrigin}`;
    core/* info */.pq(`Preset: ${config.preset} (${origin}).`);
    const routedRegistry = settings.registryUrl ?? config.registryUrl;
    // Unrouted, npm resolves the scope from its own config (read in the first program; checkPrograms reads each one's).
    const firstProgram = settings.workingDirectories[0]?.path ?? settings.workspace;
    const registryUrl = routedRegistry ?? (await npmRegistryFor(settings.scope, firstProgram, env));
    return { options: { scope: settings.scope, links: effectiveLinks(config, settings.links), registryUrl, config }, file, routedRegistry, env };
}
/** Reads every program and, unless the policy is off, checks it before anything is installed (no token needed). */
async function checkPrograms(settings, policy) {
    const programs = [];
    const notice = (message, where) => core/* notice */.lm(message, where && { file: (0,util_text/* relativePosix */.Yn)(settings.workspace, where.file), ...(where.line ? { startLine: where.line } : {}) });
    for (const { path } of settings.workingDirectories) {
        const input = await readProgram(path, policy.options.config, { workspace: settings.workspace, notice });
        const registryUrl = policy.routedRegistry ?? (await npmRegistryFor(settings.scope, path, policy.env));
        const report = settings.policy === 'off' ? undefined : await checkProgram(input, { ...policy.options, registryUrl });
        if (report)
            noticeUnscanned(input, notice);
        const manager = settings.install ? await packageManagerWarning(settings, input) : undefined;
        if (manager && !report)
            annotate(printableFindings([manager]), settings.workspace);
        const findings = report && printableFindings([...(manager ? [manager] : []), ...applyPolicyMode(report.findings, settings.policy)]);
        programs.push({ input: checkedInput(input), policy: report && findings && { ...report, findings } });
    }
    const findings = programs.flatMap((program) => program.policy?.findings ?? []);
    annotate(findings, settings.workspace);
    core/* info */.pq(settings.policy === 'off' ? 'Input "policy" is off: the check was skipped.' : `Policy: ${countLine(findings)}.`);
    return programs;
}
/** What CheckedInput keeps of a program that was read and checked. */
function checkedInput({ dir, packageJson, lockfile }) {
    return { dir, packageJson, sources: [], ...(lockfile ? { lockfile } : {}) };
}
/** A package with no source to scan passes the source rules unchecked: say so, rather than pass quietly. */
function noticeUnscanned(program, notice) {
    const members = program.workspaces ?? [];
    // A workspaces root's code lives in its members.
    const packages = members.length ? members : [program];
    for (const { sources, packageJson } of packages) {
        if (sources.length > 0)
            continue;
        notice(`No source file to scan beside this package.json: the rules that read the sources (strict-dependencies, undeclared-dependency) did not run. ` +
            `Check "ignore.paths" in the policy file and the .gitignore files above the program.`, { file: packageJson.path });
    }
}
/** Pulumi.yaml's package manager, when it is not npm (whatever the policy mode: it is about the install). */
async function packageManagerWarning(settings, input) {
    const project = await readPulumiProject(input.stackConfigs ?? []);
    const file = input.stackConfigs?.find((stackFile) => stackFile.path === project?.file);
    return file && packageManagerFinding(project, settings.installCommand, file.text);
}
/** After install and links: each scope package in node_modules is the version the lockfile records. */
async function checkInstalledProgram(settings, programDir, options) {
    if (settings.policy === 'off')
        return [];
    const findings = printableFindings(applyPolicyMode(checkInstalledTree(await readInstalledTree(programDir, options), options), settings.policy));
    annotate(findings, settings.workspace);
    return findings;
}

;// CONCATENATED MODULE: ./src/steps/fix-summary.ts





/**
 * The job summary's fixes: for each program with findings that `setup-pulumi-npm fix` repairs, the diff it would
 * apply and the command to run. Reads the programs again (only those), as the check read them before the install.
 */
async function fixSummary(settings, programs, env) {
    const fixable = programs.filter((program) => program.policy?.findings.some((finding) => FIXABLE_RULES.has(finding.rule)));
    if (fixable.length === 0)
        return '';
    const { options } = await readPolicy(settings, env);
    const lines = [];
    for (const program of fixable) {
        const name = (0,util_text/* toPosix */.d7)(program.name);
        let diff;
        try {
            const { fixes } = await fixProgram(await readProgram(program.dir, options.config), options);
            diff = fixes.map((fix) => unifiedDiff((0,util_text/* relativePosix */.Yn)(settings.workspace, fix.file), fix)).join('');
        }
        catch (error) {
            // The summary above it still gets written: the fixes are a convenience.
            lines.push(`### Fixes for \`${name}\``, '', `The fixes could not be worked out: ${error.message}`, '');
            continue;
        }
        if (diff === '')
            continue;
        lines.push(`### Fixes for \`${name}\``, '', `Run \`npx setup-pulumi-npm fix ${name}\` in the repository to make these changes:`, '');
        lines.push('```diff', diff.trimEnd(), '```', '');
    }
    return lines.join('\n');
}

;// CONCATENATED MODULE: ./src/steps/install.ts






/**
 * Makes every linked package available as a global link before any install, so none is fetched from a registry.
 * `globalFolder` is npm's global folder, looked up while the token check ran.
 */
async function prepareLinks(settings, links, globalFolder) {
    if (!links.length)
        return { links, globalFolder: '' };
    return core/* group */.Os('Link setup', async () => {
        const folder = await globalFolder;
        if (settings.linkPath) {
            const name = await registerLinkPath(settings.linkPath, links, folder);
            core/* info */.pq(logLine(`Registered ${settings.linkPath} as the global link of "${name}".`));
        }
        await requireGlobalLinks(links, folder);
        return { links, globalFolder: folder };
    });
}
/** Installs (or keeps a verified restored tree), runs the install scripts without the token, and links. */
async function installProgram({ settings, npm, program, linking, cacheHit }) {
    const { links, globalFolder } = linking;
    const tree = cacheHit ? await restoredTreeIsCurrent(program.dir, links) : undefined;
    if (tree?.current) {
        core/* info */.pq(`The restored node_modules is the tree package-lock.json describes: skipping "${settings.installCommand}".`);
        // npm would re-read the whole restored tree only to put the same links back.
        await linkRestoredTree(npm, program.dir, program.name, links, globalFolder);
        return { installed: 'skipped (cache hit)' };
    }
    if (tree?.reason)
        core/* info */.pq(logLine(`The restored node_modules is not the tree package-lock.json describes (${tree.reason}): installing.`));
    const started = performance.now();
    // While the token is in npm's environment, no package's install script runs (unless the user opts out).
    const npmEnv = settings.ignoreScripts ? withoutScripts(npm.env) : npm.env;
    const installEnv = links.length ? withoutPeerInstall(npmEnv) : npmEnv;
    const result = await npm.run(settings.installCommand, [], { cwd: program.dir, env: installEnv });
    if (result.exitCode !== 0)
        throw explainNpmFailure(settings.installCommand, program.name, result, npm.registryUrl);
    await linkIntoProgram({ ...npm, env: npmEnv }, program.dir, program.name, links);
    const scripts = settings.ignoreScripts ? await runInstallScripts(npm, program.dir, program.name) : undefined;
    return { installed: 'ran', installSeconds: (performance.now() - started) / 1000, ...(scripts ? { scripts } : {}) };
}

// EXTERNAL MODULE: external "node:stream/consumers"
var consumers_ = __webpack_require__(8321);
// EXTERNAL MODULE: external "node:timers/promises"
var external_node_timers_promises_ = __webpack_require__(8500);
// EXTERNAL MODULE: ./node_modules/@actions/http-client/lib/index.js + 1 modules
var lib = __webpack_require__(4942);
;// CONCATENATED MODULE: ./src/registry-check.ts







const ATTEMPTS = 3;
const WHOAMI = 'who the token belongs to';
/**
 * Asks the registry who the token belongs to (npm's whoami endpoint), then reads one scope package, so a token
 * that is valid but has no access fails here, in one line, rather than as an npm install log. Each request is
 * tried up to 3 times when the failure may pass (no answer, 5xx, 429); a 4xx answer is final.
 */
async function checkToken(registryUrl, token, scopePackage, options = {}) {
    const limits = {
        timeoutMs: options.timeoutMs ?? 15_000,
        backoffMs: options.backoffMs ?? 500,
        maxWaitMs: options.maxWaitMs ?? 10_000,
        log: options.log ?? core/* info */.pq,
    };
    const ask = async (path) => answered(await getWithRetries(new URL(path, registryUrl).toString(), token, limits), registryUrl);
    const whoami = await ask('-/whoami');
    let username;
    if (whoami.status === 200) {
        username = usernameOf(jsonOf(whoami, registryUrl, WHOAMI));
        if (!username)
            throw rejected(registryUrl, 'it knows no user for the token');
    }
    else if (whoami.status !== 404) {
        // 404: the registry has no whoami endpoint; the package read below still proves the token.
        throw statusError(whoami, registryUrl, WHOAMI);
    }
    if (scopePackage) {
        // npm's own rules, again at the edge: a name with path segments would send the token to other paths.
        if (!(0,package_name/* isPackageName */.k)(scopePackage))
            throw new src_errors/* ActionError */.l(`Token check: ${JSON.stringify(scopePackage)} is not an npm package name.`);
        const packument = await ask(scopePackage.replace('/', '%2f'));
        if (packument.status !== 200)
            throw statusError(packument, registryUrl, scopePackage);
        jsonOf(packument, registryUrl, scopePackage);
    }
    return { username, checkedPackage: scopePackage };
}
async function getWithRetries(url, token, limits) {
    for (let attempt = 1; attempt < ATTEMPTS; attempt++) {
        const outcome = await getOnce(url, token, limits.timeoutMs);
        if (!isTransient(outcome))
            return { ...outcome, attempts: attempt };
        const wait = waitAfter(attempt, outcome, limits);
        limits.log(`Token check: GET ${url} ${describe(outcome)}; retrying in ${registry_check_seconds(wait)} (attempt ${attempt + 1} of ${ATTEMPTS}).`);
        await (0,external_node_timers_promises_.setTimeout)(wait);
    }
    return { ...(await getOnce(url, token, limits.timeoutMs)), attempts: ATTEMPTS };
}
/** One GET with the token. Never rejects: a request with no answer within `timeoutMs` becomes a failure. */
async function getOnce(url, token, timeoutMs) {
    // @actions/http-client honours the runner's https_proxy/no_proxy settings, as npm does.
    const client = new lib/* HttpClient */.Qq('setup-pulumi-npm', [], { socketTimeout: timeoutMs, allowRetries: false });
    let timer;
    const deadline = new Promise((resolve) => {
        timer = setTimeout(() => resolve({ failure: `timed out after ${registry_check_seconds(timeoutMs)}` }), timeoutMs);
    });
    const answer = (async () => {
        const response = await client.get(url, { authorization: `Bearer ${token}`, accept: 'application/json' });
        // Read the stream directly: readBody() never settles when the connection drops mid-body.
        const body = await (0,consumers_.text)(response.message);
        const { headers } = response.message;
        return { status: response.message.statusCode ?? 0, body, contentType: headers['content-type'] ?? '', retryAfter: headers['retry-after'] };
    })().catch((error) => ({ failure: error.code ?? error.message }));
    try {
        return await Promise.race([answer, deadline]);
    }
    finally {
        clearTimeout(timer);
        // Destroys the agent's sockets, so a request the deadline cut short stops too.
        client.dispose();
    }
}
function isTransient(outcome) {
    return 'failure' in outcome || outcome.status === 429 || outcome.status >= 500;
}
/** The registry's Retry-After (seconds or an HTTP date) when it sent one, else exponential backoff; capped. */
function waitAfter(attempt, outcome, limits) {
    const backoff = limits.backoffMs * 2 ** (attempt - 1);
    const retryAfter = 'failure' in outcome ? undefined : outcome.retryAfter?.trim();
    let asked;
    if (retryAfter && /^\d+$/.test(retryAfter))
        asked = Number(retryAfter) * 1000;
    else if (retryAfter && !Number.isNaN(Date.parse(retryAfter)))
        asked = Math.max(0, Date.parse(retryAfter) - Date.now());
    return Math.min(asked ?? backoff, limits.maxWaitMs);
}
function describe(outcome) {
    return 'failure' in outcome ? `got no answer (${outcome.failure})` : `answered ${outcome.status}`;
}
function registry_check_seconds(ms) {
    return `${ms / 1000} s`;
}
function answered(reply, registryUrl) {
    if ('failure' in reply) {
        throw new src_errors/* ActionError */.l(`Token check: the registry ${registryUrl} is unreachable (${reply.failure}), after ${(0,util_text/* plural */.LS)(reply.attempts, 'attempt')}. ` +
            `Check "registry-url", and that the runner can reach it (proxy, firewall, registry status).`);
    }
    return reply;
}
/** The parsed body of a 200 answer; a body that is not JSON means the URL is not an npm registry. */
function jsonOf(answer, registryUrl, asked) {
    try {
        return JSON.parse(answer.body);
    }
    catch {
        const what = /html/i.test(answer.contentType) ? 'an HTML page' : 'a body that is not JSON';
        throw new src_errors/* ActionError */.l(`Token check: ${registryUrl} does not look like an npm registry: asked for ${asked}, ` +
            `it answered 200 with ${what} (a login page or a proxy, perhaps). Check "registry-url".`);
    }
}
function usernameOf(parsed) {
    const username = parsed?.username;
    return typeof username === 'string' && username ? username : undefined;
}
function rejected(registryUrl, why) {
    return new src_errors/* ActionError */.l(`Token check: the registry ${registryUrl} rejected the token (401, ${why}): it is wrong, expired or ` +
        `revoked. Create a new Pulumi access token and update the secret passed as "pulumi-access-token".`);
}
function statusError(reply, registryUrl, asked) {
    if (reply.status === 401)
        return rejected(registryUrl, `when asked for ${asked}`);
    if (reply.status === 403) {
        return new src_errors/* ActionError */.l(`Token check: the token is valid but has no access to ${asked} on ${registryUrl} ` +
            `(403). Use a token of an account or organization that may read the scope's packages.`);
    }
    return new src_errors/* ActionError */.l(`Token check: the registry ${registryUrl} answered ${reply.status} when asked for ${asked} ` +
        `(${(0,util_text/* plural */.LS)(reply.attempts, 'attempt')}), so it is not usable now. Check "registry-url", or retry when the registry is up.`);
}

;// CONCATENATED MODULE: ./src/token-routing.ts






const SECTION = /^; "[\w-]+" config from (.+)$/;
const PROTECTED = '(protected)';
const TOKEN_REFERENCE = new RegExp(`\\$\\{${TOKEN_VARIABLE}\\??\\}`);
/**
 * The settings in effect, from `npm config ls -l`: each section names its source; lines npm overrode are commented
 * out. Defaults are left out: they never reference the token.
 */
function appliedSettings(listing) {
    const settings = [];
    let source;
    for (const line of listing.split(/\r?\n/)) {
        const section = SECTION.exec(line);
        if (section)
            source = section[1] === 'default values' ? undefined : section[1];
        else if (source !== undefined && line && !line.startsWith(';')) {
            const equals = line.indexOf(' = ');
            if (equals > 0)
                settings.push({ key: line.slice(0, equals), value: line.slice(equals + 3), source });
        }
    }
    return settings;
}
/**
 * Asks npm, in each program's folder with the action's config in place, where the scope resolves and which settings
 * would carry the token; fails before any install when that is not `registry-url` alone. npm decides the precedence
 * (project, workspace root, user config, npm_config_* variables); the files are read only to name the line.
 */
async function checkTokenRouting(npm, programDirs, scope, registryUrl) {
    // Any path of the registry's host may have the token: that is where the action's own config sends it.
    const host = `//${new URL(registryUrl).host}/`;
    for (const dir of programDirs) {
        const settings = appliedSettings(await configListing(npm, dir));
        const scopeRoute = settings.findLast((setting) => setting.key === `${scope}:registry`);
        const routedTo = scopeRoute && unquoted(scopeRoute.value);
        if (scopeRoute && withSlash(routedTo) !== registryUrl) {
            throw new src_errors/* ActionError */.l(`${await placeOf(scopeRoute, npm.env)} routes ${scope} to ${routedTo}, not to "registry-url" (${registryUrl}), so the install would ` +
                `take the scope and the token elsewhere. Remove that setting, or set "registry-url" to it if you trust it.`);
        }
        for (const setting of settings) {
            if (setting.key.startsWith(host))
                continue;
            const value = setting.value === PROTECTED ? await sourceValue(setting, npm.env) : setting.value;
            if (value === undefined || !TOKEN_REFERENCE.test(value))
                continue;
            throw new src_errors/* ActionError */.l(`${await placeOf(setting, npm.env)} gives \${${TOKEN_VARIABLE}} to "${setting.key}", which would send the Pulumi access token to ` +
                `${destination(setting.key)}; only ${registryUrl} may receive it. Remove that setting, or give it a credential of its own.`);
        }
    }
}
function unquoted(value) {
    try {
        return String(JSON.parse(value));
    }
    catch {
        return value;
    }
}
function withSlash(url) {
    return url.endsWith('/') ? url : `${url}/`;
}
/** `npm config ls -l` where npm resolves the program's config: a workspace member's from its workspace root. */
async function configListing(npm, dir) {
    // Nothing here needs the token, and without it npm shows a ${PULUMI_ACCESS_TOKEN} reference as written.
    const env = withoutToken(npm.env);
    let cwd = dir;
    let result = await npm.run('npm', ['config', 'ls', '-l'], { cwd, env, quiet: true });
    if (result.exitCode !== 0 && /ENOWORKSPACES/.test(result.stderr)) {
        // npm config refuses to run in a workspace member: ask in the folder npm takes as its project, the root.
        const prefix = await npm.run('npm', ['prefix'], { cwd, env, quiet: true });
        cwd = prefix.stdout.trim() || dir;
        result = await npm.run('npm', ['config', 'ls', '-l'], { cwd, env, quiet: true });
    }
    if (result.exitCode !== 0)
        throw explainNpmFailure('npm config ls -l', external_node_path_.basename(dir) || dir, result, npm.registryUrl);
    return result.stdout;
}
function destination(key) {
    return key.startsWith('//') ? key.slice(0, key.lastIndexOf(':')) : `wherever "${key}" points`;
}
/** The value as written where npm took it from: the file's last line of that key, or the npm_config_* variable. */
async function sourceValue(setting, env) {
    const variable = configVariable(setting.key, env);
    if (setting.source === 'environment')
        return variable === undefined ? undefined : env[variable];
    const found = await token_routing_lineOf(setting);
    return found?.value;
}
/** Where a setting is written: `file:line`, or the variable it comes from. */
async function placeOf(setting, env) {
    if (setting.source === 'environment')
        return `The variable ${configVariable(setting.key, env) ?? `npm_config_${setting.key}`}`;
    if (setting.source === 'command line options')
        return `npm's command line option "${setting.key}"`;
    const found = await token_routing_lineOf(setting);
    return found ? `${setting.source}:${found.line}` : setting.source;
}
function configVariable(key, env) {
    const wanted = `npm_config_${key}`.toLowerCase();
    return Object.keys(env).findLast((name) => name.toLowerCase() === wanted);
}
async function token_routing_lineOf(setting) {
    const text = await (0,util_files/* readTextIfExists */.TP)(setting.source).catch(() => undefined);
    const lines = text?.split(/\r?\n/) ?? [];
    for (let index = lines.length - 1; index >= 0; index--) {
        if (configKey(lines[index]) !== setting.key)
            continue;
        const line = lines[index];
        return { line: index + 1, value: line.slice(line.indexOf('=') + 1).trim() };
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/steps/registry.ts








/** Writes the scoped config and points this and later steps' npm at it; post removes it. */
function configureNpm(settings, registryUrl, env) {
    return core/* group */.Os('npm config', async () => {
        const written = await writeScopedNpmrc({
            runnerTemp: settings.runnerTemp,
            userConfigFile: userConfigPath(env),
            scope: settings.scope,
            registryUrl,
            onFolder: state/* saveConfigDir */.vt,
        });
        core/* exportVariable */.dN('NPM_CONFIG_USERCONFIG', written.file);
        core/* setOutput */.uH('npmrc', written.file);
        core/* info */.pq(`Wrote ${written.file}: ${settings.scope} → ${registryUrl}${written.mergedFrom ? `, keeping the settings of ${written.mergedFrom}` : ''}.`);
        return written;
    });
}
/**
 * Asks npm, in each program, where the scope and the token would go; rejects when anywhere but the routed registry
 * alone. Prints nothing itself (it runs beside the token check and the restore): resolves to its log line.
 */
async function checkRouting(settings, registryUrl, npm, programs) {
    await checkTokenRouting(npm, programs.map((program) => program.dir), settings.scope, registryUrl);
    return `npm routes ${settings.scope} and the token to ${registryUrl} alone, in ${(0,util_text/* plural */.LS)(programs.length, 'program')}.`;
}
/** Proves the token before any install: who it belongs to, and that it may read the programs' scope packages. */
function verifyToken(settings, registryUrl, programs) {
    return core/* group */.Os('Token check', async () => {
        const identity = await checkToken(registryUrl, settings.token, firstScopePackage(programs, settings.scope), { log: core/* info */.pq });
        const user = identity.username ? ` as user "${identity.username}"` : '';
        const access = identity.checkedPackage ? ` and grants read access to ${identity.checkedPackage}` : '';
        core/* info */.pq(logLine(`The registry knows the token${user}${access}.`));
        return identity;
    });
}
/**
 * The first scope package any program lists: reading it proves the token's access, not just its validity. Only a
 * name npm accepts: `@pulumi/x/../..` would send the token to other paths of the registry.
 */
function firstScopePackage(programs, scope) {
    for (const program of programs) {
        try {
            const manifest = JSON.parse(program.packageJson.text);
            const dependencies = manifest['dependencies'];
            const names = dependencies && typeof dependencies === 'object' ? Object.keys(dependencies) : [];
            const name = names.find((candidate) => candidate.startsWith(`${scope}/`) && (0,package_name/* isPackageName */.k)(candidate));
            if (name)
                return name;
        }
        catch {
            // A malformed package.json was reported by the policy check; there is nothing to read here.
        }
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/main.ts






















/** The main step: settings, policy, npm config, token check, cache, install and link, report. Fails the job once. */
async function runMain(env = process.env, run = runCommand, handed) {
    (0,state/* markMainStarted */.UM)();
    let settings;
    try {
        // Before anything else runs: afterwards no process's environment holds the token (the first image is replaced).
        // The entry (index.ts) takes it before it loads this module; a direct caller has it taken here.
        const token = await (handed ?? (0,token_handoff/* takeToken */.FV)(env));
        // Mask the token before anything can print it, even an error about another input.
        if (token.value)
            core/* setSecret */.Pq(token.value);
        const inputs = environmentInputs(env);
        settings = await settings_readSettings((name) => (name === 'pulumi-access-token' ? '' : inputs(name)), env, ACTION_YML, token);
    }
    catch (error) {
        core/* setOutput */.uH('violations', '0');
        core/* setOutput */.uH('cache-hit', 'false');
        core/* setFailed */.C1(failureLine(error));
        return;
    }
    const record = newRecord(settings);
    // Node.js, the bundle and the settings: everything before the first phase (after the token hand-off's restart).
    record.phases.push({ name: 'Start-up', startSeconds: 0, seconds: Math.round(performance.now()) / 1000 });
    try {
        await mainSteps(settings, record, env, run);
    }
    catch (error) {
        record.failure = failureLine(error);
        debugUnexpected(error);
    }
    await finish(settings, record, env);
}
/** Runs the steps in order, putting what each returns into `record` as it goes, so a failure keeps what came before. */
async function mainSteps(settings, record, env, run) {
    for (const warning of settings.warnings)
        core/* warning */.$e(warning);
    const time = phaseTimer(record.phases);
    const { options, programs, routedRegistry } = await time('Dependency policy', () => core/* group */.Os('Dependency policy', async () => {
        const policy = await readPolicy(settings, env);
        const { config, links, registryUrl } = policy.options;
        const preset = { name: config.preset, origin: config.presetOrigin };
        const registry = { url: registryUrl, routed: policy.routedRegistry !== undefined };
        record.settings = { ...record.settings, policyFile: policy.file?.path, preset, registry, links };
        const programs = (await checkPrograms(settings, policy)).map(({ input, policy: report }) => {
            const program = programRecord(settings, input.dir);
            return { input, record: report ? { ...program, policy: report } : program };
        });
        record.programs = programs.map((program) => program.record);
        return { options: policy.options, programs, routedRegistry: policy.routedRegistry };
    }));
    const { errors } = totals(allFindings(record));
    if (errors > 0 && settings.policy === 'error') {
        throw new src_errors/* ActionError */.l(`${(0,util_text/* plural */.LS)(errors, 'dependency policy violation')}: see the annotations (set "policy: warn" to report without failing).`);
    }
    if (!settings.install) {
        core/* info */.pq('Input "install" is false: the policy check ran alone; nothing was configured or installed.');
        return;
    }
    // The token goes only to a registry the scope is routed to: with nothing routed, npm installs a fork's code without
    // a secret (and an untrusted run still never saves the cache).
    const untrusted = untrustedRun(env['GITHUB_EVENT_NAME'], await readEventPayload(env['GITHUB_EVENT_PATH']));
    if (routedRegistry && untrusted && !settings.allowUntrusted)
        throw new src_errors/* ActionError */.l(untrustedRunMessage(untrusted));
    if (routedRegistry && untrusted)
        core/* warning */.$e(`"allow-untrusted" is true: the token goes to an install of ${untrusted.head}'s code.`);
    if (routedRegistry && !settings.token) {
        throw new src_errors/* ActionError */.l(`The Pulumi access token is missing, and ${settings.scope} is routed to ${routedRegistry}: ` +
            '"pulumi-access-token" is empty and PULUMI_ACCESS_TOKEN is not set. ' +
            'Pass it from a secret (pulumi-access-token: ${{ secrets.PULUMI_ACCESS_TOKEN }}), or use "preset: current" for packages from the public registry. ' +
            'Pull requests from forks do not receive secrets: use "install: false" there to run the policy check alone.');
    }
    const npmrc = routedRegistry ? await time('npm config', () => configureNpm(settings, routedRegistry, env)) : undefined;
    if (npmrc)
        record.npmrc = { file: npmrc.file, mergedFrom: npmrc.mergedFrom };
    else
        core/* info */.pq(`Nothing routes ${settings.scope}: npm installs it from ${options.registryUrl}, with no token and no scoped .npmrc.`);
    const auth = npmrc && { token: settings.token, npmrcFile: npmrc.file };
    const npm = { run, env: npmEnvironment(env, auth), registryUrl: options.registryUrl };
    const inputs = programs.map((program) => program.input);
    const links = options.links;
    // Asking npm for its global folder takes a quarter of a second: let it run during the token check and the restore.
    const globalFolder = links.length ? globalPackagesFolder(npm, settings.workspace) : Promise.resolve('');
    globalFolder.catch(() => { }); // awaited in prepareLinks; a failed token check comes first
    // npm's answer about where the token would go takes about 0.3 s a program: it comes while the token check (which
    // sends the token to the routed registry alone) and the restore run, and is awaited before any npm gets the token.
    const routing = routedRegistry ? time('Token routing', () => checkRouting(settings, routedRegistry, npm, inputs)) : Promise.resolve(undefined);
    routing.catch(() => { }); // awaited below; a failed token check comes first
    if (routedRegistry)
        record.registry = await time('Token check', () => verifyToken(settings, routedRegistry, inputs));
    // The restore does not need the links, so npm's answer about its global folder arrives while it runs.
    const cache = await time('Restore node_modules', () => restoreStep(settings, npm, inputs, links));
    if (cache)
        record.cache = cache.record;
    const routed = await routing;
    if (routed)
        await core/* group */.Os('Token routing', async () => core/* info */.pq(routed));
    const linking = await time('Link setup', () => prepareLinks(settings, links, globalFolder));
    const userFiles = await (0,user_files/* snapshotUserFiles */.z)(programs.map((program) => program.record.dir), settings.workspace, settings.runnerTemp);
    (0,state/* saveSnapshotDir */.n6)(userFiles.folder);
    const install = { settings, npm, linking, cacheHit: cache?.record.hit ?? false };
    try {
        for (const { record: program } of programs) {
            await time(`Install ${program.name}`, () => core/* group */.Os(`Install ${program.name}`, () => installAndCheck({ ...install, program }, options)));
        }
    }
    catch (error) {
        const restored = await userFiles.restore();
        if (restored.length)
            core/* info */.pq(logLine(`The run failed: put back ${restored.map((file) => external_node_path_.relative(settings.workspace, file)).join(', ')} as the run found them.`));
        throw error;
    }
    if (cache)
        cache.record.saved = await time('Save node_modules', () => saveStep(settings, cache, env['GITHUB_EVENT_NAME'], untrusted !== undefined));
}
/** Install (or keep a verified restored tree), link, verify the links, check the installed tree. */
async function installAndCheck(request, options) {
    const { settings, program, linking } = request;
    Object.assign(program, await installProgram(request));
    program.links = await verifyLinks(program.dir, program.name, linking.links);
    const treeFindings = await checkInstalledProgram(settings, program.dir, options);
    program.policy?.findings.push(...treeFindings);
    const treeErrors = totals(treeFindings).errors;
    if (treeErrors > 0 && settings.policy === 'error') {
        throw new src_errors/* ActionError */.l(`The installed tree of ${program.name} breaks the dependency policy (${(0,util_text/* plural */.LS)(treeErrors, 'error')}): see the annotations.`);
    }
}
async function finish(settings, record, env) {
    core/* setOutput */.uH('violations', String(totals(allFindings(record)).errors));
    core/* setOutput */.uH('cache-hit', record.cache?.hit ? 'true' : 'false');
    core/* setOutput */.uH('cache-primary-key', record.cache?.primaryKey ?? '');
    core/* setOutput */.uH('cache-matched-key', record.cache?.matchedKey ?? '');
    try {
        core/* setOutput */.uH('report', await writeJsonReport(record, settings.runnerTemp));
        core/* setOutput */.uH('sarif', await writeSarifLog(allFindings(record), record.workspace, settings.runnerTemp));
        await core/* summary */.z.addRaw(summaryMarkdown(record) + (await fixSummary(settings, record.programs, env))).write();
    }
    catch (error) {
        core/* warning */.$e(`Could not write the run's report or job summary: ${error.message}`);
    }
    if (record.failure)
        core/* setFailed */.C1(record.failure);
    else
        (0,state/* markMainSucceeded */.Ic)();
}
function newRecord(settings) {
    return {
        workspace: settings.workspace,
        settings: {
            preset: undefined,
            registry: undefined,
            scope: settings.scope,
            workingDirectories: settings.workingDirectories.map((dir) => dir.input),
            install: settings.install,
            installCommand: settings.installCommand,
            links: settings.links ?? [],
            cache: settings.cache,
            policy: settings.policy,
            policyFile: undefined,
            token: settings.tokenSource,
        },
        // Replaced by the checked programs; until then, a failure's report still lists each one.
        programs: settings.workingDirectories.map((dir) => programRecord(settings, dir.path)),
        phases: [],
    };
}
function programRecord(settings, dir) {
    return { dir, name: external_node_path_.relative(settings.workspace, dir) || '.' };
}
/** The job's one failure line; it may quote npm's output or the user's files, so URL credentials are redacted. */
function failureLine(error) {
    return redactUrlCredentials(error instanceof src_errors/* ActionError */.l ? error.message : `Unexpected error: ${error?.message ?? String(error)}`);
}
/** Anything but an ActionError is a bug: its stack goes to the debug log, never to the user's. */
function debugUnexpected(error) {
    if (!(error instanceof src_errors/* ActionError */.l))
        core/* debug */.Yz(error?.stack ?? String(error));
}


/***/ }),

/***/ 9999:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   T: () => (/* binding */ isScope),
/* harmony export */   k: () => (/* binding */ isPackageName)
/* harmony export */ });
/* harmony import */ var validate_npm_package_name__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7825);
/* harmony import */ var validate_npm_package_name__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(validate_npm_package_name__WEBPACK_IMPORTED_MODULE_0__);

/**
 * npm's own rule for the name of a package that can be published today: lower case, URL-safe, optionally scoped.
 * Such a name is also a plain folder name in node_modules, never a glob.
 */
function isPackageName(name) {
    return validate_npm_package_name__WEBPACK_IMPORTED_MODULE_0___default()(name).validForNewPackages;
}
/** An npm scope such as `@pulumi`: what may stand before the slash of a scoped package name. */
function isScope(scope) {
    return scope.startsWith('@') && !scope.includes('/') && isPackageName(`${scope}/name`);
}


/***/ }),

/***/ 891:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   d: () => (/* binding */ findingAt)
/* harmony export */ });
/** Builds a finding that covers `span` in `file`. */
function findingAt(rule, severity, file, span, message, pkg) {
    const finding = {
        rule,
        severity,
        file,
        line: span.start.line,
        column: span.start.column,
        endLine: span.end.line,
        endColumn: span.end.column,
        message,
    };
    if (pkg !== undefined)
        finding.package = pkg;
    return finding;
}


/***/ }),

/***/ 9907:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   g: () => (/* binding */ TOO_DEEP),
/* harmony export */   t: () => (/* binding */ jsonTree)
/* harmony export */ });
/* harmony import */ var jsonc_parser__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9547);
/* harmony import */ var jsonc_parser__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(jsonc_parser__WEBPACK_IMPORTED_MODULE_0__);

/** What `jsonTree` gives for a file nested so deeply that building its tree would overflow the stack. */
const TOO_DEEP = 'too deep';
/**
 * jsonc-parser's parseTree, which recurses once per nesting level: a hostile file nested tens of thousands of
 * levels deep (JSON.parse reads it) would overflow the stack. That is reported as TOO_DEEP, never thrown.
 */
function jsonTree(text, errors = [], options) {
    try {
        return (0,jsonc_parser__WEBPACK_IMPORTED_MODULE_0__.parseTree)(text, errors, options);
    }
    catch (error) {
        if (error instanceof RangeError)
            return TOO_DEEP;
        throw error;
    }
}


/***/ }),

/***/ 4201:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   _m: () => (/* binding */ installedFor),
/* harmony export */   tg: () => (/* binding */ parseLockfile),
/* harmony export */   ur: () => (/* binding */ lockTree)
/* harmony export */ });
/* harmony import */ var jsonc_parser__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9547);
/* harmony import */ var jsonc_parser__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(jsonc_parser__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _json_tree_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9907);
/* harmony import */ var _manifest_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3238);
/* harmony import */ var _positions_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7238);
/* harmony import */ var _sections_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(368);





const KNOWN_VERSIONS = [1, 2, 3];
/**
 * Reads package-lock.json (lockfile version 1, 2 or 3). Lockfiles are large and findings in them rare, so the
 * data comes from JSON.parse and positions from a syntax tree built only when a finding needs one.
 */
function parseLockfile(file) {
    let data;
    try {
        data = JSON.parse(file.text);
    }
    catch {
        data = undefined;
    }
    if (!isObject(data)) {
        const errors = [];
        (0,_json_tree_js__WEBPACK_IMPORTED_MODULE_1__/* .jsonTree */ .t)(file.text, errors, { disallowComments: true, allowTrailingComma: false });
        const first = errors[0];
        const span = new _positions_js__WEBPACK_IMPORTED_MODULE_4__/* .LineIndex */ .r(file.text).span(first?.offset ?? 0, first?.length ?? 0);
        const detail = first ? `is not valid JSON: ${(0,_manifest_js__WEBPACK_IMPORTED_MODULE_2__/* .describeParseError */ .R)((0,jsonc_parser__WEBPACK_IMPORTED_MODULE_0__.printParseErrorCode)(first.error))} here` : 'does not hold a JSON object';
        return { error: { file: file.path, span, message: `package-lock.json ${detail}; delete it and run npm install to write a new one.` } };
    }
    const version = data['lockfileVersion'];
    if (version !== undefined && !KNOWN_VERSIONS.includes(version)) {
        const span = locator(file.text)(['lockfileVersion'], 'value');
        return {
            error: {
                file: file.path,
                span,
                message: `package-lock.json has lockfileVersion ${JSON.stringify(version)}, which is none of ` +
                    `npm's (1, 2 or 3); write it again with npm install, or check what wrote this file.`,
            },
        };
    }
    return { lockfile: { file: file.path, ...lockTree(data), locate: locator(file.text) } };
}
/** The tree a lockfile's parsed JSON describes; anything but an object describes an empty version 1 tree. */
function lockTree(data) {
    const json = isObject(data) ? data : {};
    const version = json['lockfileVersion'];
    const tree = { version: typeof version === 'number' ? version : 1, packages: new Map() };
    const packages = json['packages'];
    if (isObject(packages)) {
        tree.roots = new Map();
        for (const [path, value] of Object.entries(packages)) {
            if (!isObject(value))
                continue;
            const where = ['packages', path];
            const cut = path.lastIndexOf('node_modules/');
            if (cut === -1)
                tree.roots.set(path, { ...lockEntry(path, value, where), ...rootSpecs(value, where) });
            else
                tree.packages.set(path, lockPackage(path, path.slice(cut + 'node_modules/'.length), value, where));
        }
    }
    else {
        readVersion1(json['dependencies'], '', ['dependencies'], tree.packages);
    }
    return tree;
}
function lockEntry(path, value, where) {
    const entry = { path, link: value['link'] === true, optional: value['optional'] === true, where };
    if (typeof value['version'] === 'string')
        entry.version = value['version'];
    if (typeof value['resolved'] === 'string')
        entry.resolved = value['resolved'];
    if (typeof value['integrity'] === 'string')
        entry.integrity = value['integrity'];
    return entry;
}
function lockPackage(path, installedAs, value, where) {
    const entry = lockEntry(path, value, where);
    entry.name = typeof value['name'] === 'string' ? value['name'] : installedAs;
    return entry;
}
/** Version 1 nests `dependencies` by install path; an alias's version reads `npm:<name>@<version>`. */
function readVersion1(node, prefix, where, out) {
    if (!isObject(node))
        return;
    for (const [installedAs, value] of Object.entries(node)) {
        if (!isObject(value))
            continue;
        const path = `${prefix}node_modules/${installedAs}`;
        const entry = lockPackage(path, installedAs, value, [...where, installedAs]);
        const alias = /^npm:(@?[^@]+)@(.+)$/.exec(entry.version ?? '');
        if (alias)
            Object.assign(entry, { name: alias[1], version: alias[2] });
        if (entry.version?.startsWith('file:'))
            entry.link = true;
        out.set(path, entry);
        readVersion1(value['dependencies'], `${path}/`, [...where, installedAs, 'dependencies'], out);
    }
}
function rootSpecs(value, where) {
    const specs = new Map();
    const sections = new Map();
    for (const section of _sections_js__WEBPACK_IMPORTED_MODULE_3__/* .INSTALLED_SECTIONS */ .MW) {
        const listed = value[section];
        if (!isObject(listed))
            continue;
        const inSection = new Map();
        for (const [name, spec] of Object.entries(listed)) {
            if (typeof spec !== 'string')
                continue;
            inSection.set(name, spec);
            specs.set(name, { spec, where: [...where, section, name] });
        }
        sections.set(section, inSection);
    }
    return { specs, sections };
}
/** Builds the syntax tree and line index on the first call only. */
function locator(text) {
    let tree;
    return (where, part) => {
        if (tree === undefined) {
            const root = (0,_json_tree_js__WEBPACK_IMPORTED_MODULE_1__/* .jsonTree */ .t)(text);
            tree = { root: root === _json_tree_js__WEBPACK_IMPORTED_MODULE_1__/* .TOO_DEEP */ .g ? undefined : root, lines: new _positions_js__WEBPACK_IMPORTED_MODULE_4__/* .LineIndex */ .r(text) };
        }
        const value = tree.root === undefined ? undefined : (0,jsonc_parser__WEBPACK_IMPORTED_MODULE_0__.findNodeAtLocation)(tree.root, where);
        const property = value?.parent?.type === 'property' ? value.parent : undefined;
        const node = part === 'value' ? value : part === 'key' ? property?.children?.[0] : property;
        return node === undefined ? tree.lines.span(Math.max(0, text.indexOf('{')), 1) : tree.lines.span(node.offset, node.length);
    };
}
/** The package Node would load as `name` from `folder` (relative to the lockfile): the nearest node_modules. */
function installedFor(lockfile, folder, name) {
    const parts = folder === '' ? [] : folder.split('/');
    for (let depth = parts.length; depth >= 0; depth--) {
        const base = parts.slice(0, depth).join('/');
        const found = lockfile.packages.get(`${base === '' ? '' : `${base}/`}node_modules/${name}`);
        if (found)
            return found;
    }
    return undefined;
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}


/***/ }),

/***/ 3238:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   N: () => (/* binding */ parseManifest),
/* harmony export */   R: () => (/* binding */ describeParseError)
/* harmony export */ });
/* harmony import */ var jsonc_parser__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9547);
/* harmony import */ var jsonc_parser__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(jsonc_parser__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _finding_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(891);
/* harmony import */ var _json_tree_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9907);
/* harmony import */ var _positions_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7238);
/* harmony import */ var _sections_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(368);





const STRICT_JSON = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };
/** Parses package.json as npm does (strict JSON), keeping the position of every dependency entry. */
function parseManifest(file) {
    // npm strips a byte order mark; a space keeps every offset in place.
    const text = file.text.startsWith('\uFEFF') ? ` ${file.text.slice(1)}` : file.text;
    const lines = new _positions_js__WEBPACK_IMPORTED_MODULE_3__/* .LineIndex */ .r(text);
    const problem = (span, message) => (0,_finding_js__WEBPACK_IMPORTED_MODULE_4__/* .findingAt */ .d)('package-json', 'error', file.path, span, message);
    if (text.trim() === '')
        return {
            findings: [problem(lines.span(0, 0), 'package.json is empty; it must hold a JSON object, such as { "name": "my-program", "dependencies": {} }.')],
        };
    const errors = [];
    const root = (0,_json_tree_js__WEBPACK_IMPORTED_MODULE_1__/* .jsonTree */ .t)(text, errors, STRICT_JSON);
    if (root === _json_tree_js__WEBPACK_IMPORTED_MODULE_1__/* .TOO_DEEP */ .g)
        return { findings: [problem(lines.span(0, 0), 'package.json is nested thousands of levels deep: no package.json is; fix the file.')] };
    if (errors.length > 0 || root === undefined) {
        // Only the first error: the ones after it are usually echoes of it.
        const first = errors[0];
        const finding = first
            ? problem(lines.span(first.offset, first.length), `package.json is not valid JSON: ${describeParseError((0,jsonc_parser__WEBPACK_IMPORTED_MODULE_0__.printParseErrorCode)(first.error))} here; fix the syntax so npm can read it.`)
            : problem(lines.span(0, 0), 'package.json is empty; it must hold a JSON object.');
        return { findings: [finding] };
    }
    const findings = duplicateKeys(root).map((key) => problem(lines.span(key.offset, key.length), `Duplicate key ${key.value === undefined ? '' : JSON.stringify(key.value)} in package.json; npm keeps only the last one, so remove the other.`));
    if (root.type !== 'object') {
        findings.push(problem(lines.span(root.offset, root.length), 'package.json must hold a JSON object.'));
        return { findings };
    }
    const manifest = {
        file: file.path,
        entries: [],
        sectionKeys: new Map(),
        rootSpan: lines.span(root.offset, 1),
        workspaces: [],
    };
    for (const property of root.children ?? []) {
        const [key, value] = property.children ?? [];
        if (key === undefined || value === undefined)
            continue;
        const name = String(key.value);
        if (name === 'workspaces') {
            manifest.workspaces = workspaceGlobs(value);
            continue;
        }
        const section = _sections_js__WEBPACK_IMPORTED_MODULE_2__/* .DEPENDENCY_SECTIONS */ .rx.find((candidate) => candidate === name);
        if (section === undefined)
            continue;
        manifest.sectionKeys.set(section, lines.span(key.offset, key.length));
        const read = section === 'bundleDependencies' || section === 'bundledDependencies' ? readBundled : readSpecs;
        read(section, value, lines, manifest.entries, (span, message) => findings.push(problem(span, message)));
    }
    return { manifest, findings };
}
function readSpecs(section, value, lines, out, report) {
    if (value.type !== 'object') {
        report(lines.span(value.offset, value.length), `"${section}" must be an object of package names to version ranges.`);
        return;
    }
    for (const property of value.children ?? []) {
        const [key, spec] = property.children ?? [];
        if (key === undefined || spec === undefined)
            continue;
        const name = String(key.value);
        if (spec.type !== 'string') {
            report(lines.span(spec.offset, spec.length), `The version of "${name}" in "${section}" must be a string such as "^1.0.0".`);
            continue;
        }
        out.push({
            name,
            section,
            spec: String(spec.value),
            span: lines.span(key.offset, spec.offset + spec.length - key.offset),
            valueSpan: lines.span(spec.offset, spec.length),
        });
    }
}
function readBundled(section, value, lines, out, report) {
    // `true` bundles every dependency: no single entry to point at, and the placement rules care about names.
    if (value.type === 'boolean')
        return;
    if (value.type !== 'array') {
        report(lines.span(value.offset, value.length), `"${section}" must be an array of package names (or true).`);
        return;
    }
    for (const item of value.children ?? []) {
        if (item.type !== 'string') {
            report(lines.span(item.offset, item.length), `"${section}" must list package names as strings.`);
            continue;
        }
        const span = lines.span(item.offset, item.length);
        out.push({ name: String(item.value), section, spec: '', span, valueSpan: span });
    }
}
function workspaceGlobs(value) {
    // npm accepts an array of globs; yarn's { packages: [...] } form is read too.
    const list = value.type === 'object' ? value.children?.find((p) => p.children?.[0]?.value === 'packages')?.children?.[1] : value;
    if (list?.type !== 'array')
        return [];
    return (list.children ?? []).filter((item) => item.type === 'string').map((item) => String(item.value));
}
/** The key nodes that repeat an earlier key of the same object, anywhere in the document. */
function duplicateKeys(node) {
    const repeats = [];
    const pending = [node];
    while (pending.length > 0) {
        const current = pending.pop();
        const seen = new Set();
        for (const child of current.children ?? []) {
            if (current.type === 'object') {
                const key = child.children?.[0];
                if (key !== undefined && seen.has(key.value))
                    repeats.push(key);
                seen.add(key?.value);
                const value = child.children?.[1];
                if (value !== undefined)
                    pending.push(value);
            }
            else {
                pending.push(child);
            }
        }
    }
    return repeats.sort((a, b) => a.offset - b.offset);
}
/** A JSON syntax error in words, for the package.json and lockfile messages. */
function describeParseError(code) {
    const words = {
        InvalidSymbol: 'an unexpected character',
        InvalidNumberFormat: 'a malformed number',
        PropertyNameExpected: 'a property name (in double quotes) is expected',
        ValueExpected: 'a value is expected',
        ColonExpected: 'a colon is expected',
        CommaExpected: 'a comma is expected',
        CloseBraceExpected: 'a closing brace is expected',
        CloseBracketExpected: 'a closing bracket is expected',
        EndOfFileExpected: 'nothing more is expected',
        InvalidCommentToken: 'comments are not allowed in package.json',
        UnexpectedEndOfComment: 'an unterminated comment',
        UnexpectedEndOfString: 'an unterminated string',
        UnexpectedEndOfNumber: 'an unterminated number',
        InvalidUnicode: 'an invalid unicode escape',
        InvalidEscapeCharacter: 'an invalid escape character',
        InvalidCharacter: 'a character that is not allowed in a string',
    };
    return words[code] ?? code;
}


/***/ }),

/***/ 7525:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   C9: () => (/* binding */ matchesPackage),
/* harmony export */   _I: () => (/* binding */ matchesAny),
/* harmony export */   db: () => (/* binding */ isPackagePattern),
/* harmony export */   tV: () => (/* binding */ WHOLE_SCOPE)
/* harmony export */ });
/* harmony import */ var _package_name_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9999);

/**
 * A package in the policy file: a name (`@pulumi/aws`) or a scope glob (`@pulumi/*`, every package of the scope).
 * Every key that names packages reads them the same way.
 */
function isPackagePattern(value) {
    return /^@[^/]+\/\*$/.test(value) ? (0,_package_name_js__WEBPACK_IMPORTED_MODULE_0__/* .isPackageName */ .k)(`${value.slice(0, -1)}x`) : (0,_package_name_js__WEBPACK_IMPORTED_MODULE_0__/* .isPackageName */ .k)(value);
}
/** The key of a minimum version that holds for every package of the scope (a single `minimum-version`). */
const WHOLE_SCOPE = '*';
function matchesPackage(pattern, name) {
    return pattern.endsWith('/*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}
function matchesAny(patterns, name) {
    return patterns.some((pattern) => matchesPackage(pattern, name));
}


/***/ }),

/***/ 7238:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   r: () => (/* binding */ LineIndex)
/* harmony export */ });
/** Maps character offsets in a text to 1-based lines and columns (columns count UTF-16 code units). */
class LineIndex {
    lineStarts = [0];
    constructor(text) {
        for (let i = 0; i < text.length; i++) {
            const code = text.charCodeAt(i);
            if (code === 10 /* \n */)
                this.lineStarts.push(i + 1);
            else if (code === 13 /* \r */ && text.charCodeAt(i + 1) !== 10)
                this.lineStarts.push(i + 1);
        }
    }
    position(offset) {
        let low = 0;
        let high = this.lineStarts.length - 1;
        while (low < high) {
            const mid = (low + high + 1) >> 1;
            if (this.lineStarts[mid] <= offset)
                low = mid;
            else
                high = mid - 1;
        }
        return { line: low + 1, column: offset - this.lineStarts[low] + 1 };
    }
    span(offset, length) {
        return { start: this.position(offset), end: this.position(offset + length) };
    }
}


/***/ }),

/***/ 4490:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CO: () => (/* binding */ DEFAULT_PRESET),
/* harmony export */   dO: () => (/* binding */ PRESET_NAMES),
/* harmony export */   uo: () => (/* binding */ presetConfig)
/* harmony export */ });
/* harmony import */ var _package_pattern_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7525);
/* harmony import */ var _rules_registry_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5508);


const PRESET_NAMES = ['pulumi-0.10', 'current'];
const DEFAULT_PRESET = 'pulumi-0.10';
/** Each rule's level in the preset, as the rule registry gives it. */
function rules(preset) {
    return Object.fromEntries(_rules_registry_js__WEBPACK_IMPORTED_MODULE_1__/* .RULES */ .y0.map((rule) => [rule.id, rule.defaults[preset]]));
}
/** @pulumi/cloud loads its provider implementation at run time, chosen by the stack's cloud:provider setting. */
const CLOUD_PROVIDER_IMPLIED = { package: '@pulumi/cloud-aws', by: '@pulumi/cloud', when: { config: 'cloud:provider', equals: 'aws' } };
/** A fresh copy of a preset's config. */
function presetConfig(name, origin = 'default') {
    switch (name) {
        case 'pulumi-0.10':
            // Pulumi's 0.10 docs: @pulumi/* from the npm proxy at ^0.10.0, `pulumi` linked and listed as a peer.
            return {
                preset: name,
                presetOrigin: origin,
                rules: rules(name),
                minimumVersions: { [_package_pattern_js__WEBPACK_IMPORTED_MODULE_0__/* .WHOLE_SCOPE */ .tV]: '0.10.0' },
                linkedPeerRange: 'latest',
                registryUrl: 'https://npmjs.pulumi.com/',
                links: ['pulumi'],
                impliedUses: [{ ...CLOUD_PROVIDER_IMPLIED }],
                ignorePackages: [],
                ignorePaths: [],
            };
        case 'current':
            // Today's layout: the packages are ordinary dependencies from npm's own registry, nothing is linked, and
            // each package has its own release line (so the registry turns consistent-versions off). The only floor is
            // the SDK's 3.0 (the first release that runs on today's language host).
            return {
                preset: name,
                presetOrigin: origin,
                rules: rules(name),
                minimumVersions: { '@pulumi/pulumi': '3.0.0' },
                linkedPeerRange: 'latest',
                links: [],
                impliedUses: [{ ...CLOUD_PROVIDER_IMPLIED }],
                ignorePackages: [],
                ignorePaths: [],
            };
    }
}


/***/ }),

/***/ 4049:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GH: () => (/* binding */ minimumFor),
/* harmony export */   Pk: () => (/* binding */ sharedContext),
/* harmony export */   jp: () => (/* binding */ suggestedRange),
/* harmony export */   pM: () => (/* binding */ quoteEntry),
/* harmony export */   tO: () => (/* binding */ isPulumiProgram)
/* harmony export */ });
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2088);
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(semver__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _lockfile_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4201);
/* harmony import */ var _package_pattern_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7525);



function sharedContext(options) {
    return {
        options,
        config: options.config,
        links: options.links,
        inScope: (name) => name.startsWith(`${options.scope}/`),
        ignored: (name) => (0,_package_pattern_js__WEBPACK_IMPORTED_MODULE_2__/* .matchesAny */ ._I)(options.config.ignorePackages, name),
    };
}
/** The package's floor: its own `minimum-version` key, else a matching scope glob's, else the whole scope's; undefined when none. */
function minimumFor(config, name) {
    const floors = config.minimumVersions;
    if (floors[name] !== undefined)
        return floors[name];
    const glob = Object.keys(floors)
        .filter((pattern) => pattern !== _package_pattern_js__WEBPACK_IMPORTED_MODULE_2__/* .WHOLE_SCOPE */ .tV && (0,_package_pattern_js__WEBPACK_IMPORTED_MODULE_2__/* .matchesPackage */ .C9)(pattern, name))
        .sort((a, b) => b.length - a.length)[0];
    return glob === undefined ? floors[_package_pattern_js__WEBPACK_IMPORTED_MODULE_2__/* .WHOLE_SCOPE */ .tV] : floors[glob];
}
/**
 * The range to suggest for a package: from the version the lockfile installs when it knows the package (and it is
 * at or above the floor), else the floor's caret range; undefined when neither is known (say `npm install <name>`
 * then: a made-up range may never have been published).
 */
function suggestedRange(context, name) {
    const floor = minimumFor(context.config, name);
    const installed = context.lockfile === undefined ? undefined : (0,_lockfile_js__WEBPACK_IMPORTED_MODULE_1__/* .installedFor */ ._m)(context.lockfile, context.folder, name);
    const version = installed?.link ? undefined : semver__WEBPACK_IMPORTED_MODULE_0___default().valid(installed?.version ?? '');
    if (version && (floor === undefined || semver__WEBPACK_IMPORTED_MODULE_0___default().gte(version, floor)))
        return `^${version}`;
    return floor === undefined ? undefined : `^${floor}`;
}
/** How a package.json entry reads in a message: "name": "spec". */
function quoteEntry(name, spec) {
    return `${JSON.stringify(name)}: ${JSON.stringify(spec)}`;
}
/** True when the program is a Pulumi program: it lists a scope package, or its sources load one or a link. */
function isPulumiProgram(context) {
    if (context.entries.some((c) => c.role !== 'other'))
        return true;
    return [...context.usage.byPackage.keys()].some((name) => context.inScope(name) || context.links.includes(name));
}


/***/ }),

/***/ 5508:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  F8: () => (/* binding */ INSTALLED_RULES),
  y0: () => (/* binding */ RULES),
  $g: () => (/* binding */ STATIC_RULES)
});

// EXTERNAL MODULE: ./node_modules/semver/index.js
var semver = __webpack_require__(2088);
var semver_default = /*#__PURE__*/__webpack_require__.n(semver);
// EXTERNAL MODULE: ./src/policy/specs.ts
var specs = __webpack_require__(954);
// EXTERNAL MODULE: ./src/policy/sections.ts
var sections = __webpack_require__(368);
// EXTERNAL MODULE: ./src/policy/rules/context.ts
var rules_context = __webpack_require__(4049);
;// CONCATENATED MODULE: ./src/policy/rules/minimum-version.ts



/**
 * minimum-version: a scope package comes from the registry, in a range that starts at its floor (the policy's
 * `minimum-version`, per package or for the whole scope; a package without a floor only has to come from the registry).
 */
function minimumVersion(context, finding) {
    const results = [];
    for (const classified of context.entries) {
        if (classified.role !== 'scope' || !(0,sections/* isInstalledSection */.wp)(classified.entry.section))
            continue;
        const { entry } = classified;
        const floor = (0,rules_context/* minimumFor */.GH)(context.config, entry.name);
        const problem = describeProblem(classified, floor, context.options.scope);
        if (problem === undefined)
            continue;
        const range = (0,rules_context/* suggestedRange */.jp)(context, entry.name);
        const fix = range === undefined ? `list a registry range (npm install ${entry.name} writes one)` : `use ${(0,rules_context/* quoteEntry */.pM)(entry.name, range)}`;
        const why = floor === undefined ? '' : `; the ${context.config.preset} preset supports ${entry.name} from ${floor} ("minimum-version" in the policy file)`;
        results.push({ finding: finding(context.manifest.file, entry.valueSpan, `${problem}${why}, so ${fix}.`, entry.name), entry });
    }
    return results;
}
const SOURCE_NAMES = {
    git: 'a git repository',
    remote: 'a tarball URL',
    file: 'a local tarball',
    directory: 'a local folder',
};
/** What is wrong with a scope package's spec, or undefined when it is a registry spec at or above the minimum (if any). */
function describeProblem({ entry, spec, target }, minimum, scope) {
    const listed = (0,rules_context/* quoteEntry */.pM)(entry.name, entry.spec);
    switch (spec.kind) {
        case 'invalid':
            return `${listed} is not a valid npm version spec (${spec.reason})`;
        case 'elsewhere':
            return `${listed} installs from ${SOURCE_NAMES[spec.type] ?? spec.type} instead of the registry`;
        case 'tag':
        case 'range':
            if (!target.startsWith(`${scope}/`))
                return `${listed} installs "${target}", a package outside ${scope}`;
            if (minimum !== undefined && spec.kind === 'range' && (0,specs/* admitsBelow */.mQ)(spec.range, minimum))
                return `${listed} admits versions from ${(0,specs/* lowestAdmitted */.Lj)(spec.range)}, below ${minimum}`;
            return undefined;
    }
}

;// CONCATENATED MODULE: ./src/policy/rules/consistent-versions.ts




/**
 * consistent-versions: the scope packages in `dependencies` share one release line (0.10, 0.11, 1, 2, …).
 * Entries that minimum-version rejects are left out: their line changes when they are fixed.
 */
function consistentVersions(context, finding) {
    const lined = context.entries
        .filter((c) => c.role === 'scope' && c.entry.section === 'dependencies' && c.spec.kind === 'range')
        .filter((c) => describeProblem(c, (0,rules_context/* minimumFor */.GH)(context.config, c.entry.name), context.options.scope) === undefined)
        .map((classified) => ({ classified, line: releaseLine(classified) }))
        .filter((item) => item.line !== undefined);
    const counts = new Map();
    for (const { line } of lined)
        counts.set(line, (counts.get(line) ?? 0) + 1);
    if (counts.size < 2)
        return [];
    // The line most packages are on (the newest on a tie) is the one to move the others to.
    const [common] = [...counts].sort(([a, countA], [b, countB]) => countB - countA || semver_default().compare(semver_default().coerce(b), semver_default().coerce(a)))[0];
    const onCommon = lined.filter((item) => item.line === common).map((item) => item.classified.entry.name);
    return lined
        .filter((item) => item.line !== common)
        .map(({ classified: { entry }, line }) => {
        const message = `${(0,rules_context/* quoteEntry */.pM)(entry.name, entry.spec)} is on release line ${line} while ${onCommon.join(', ')} ${onCommon.length > 1 ? 'are' : 'is'} ` +
            `on ${common}; keep the ${context.options.scope} packages on one release line ` +
            `(the docs pin them together; rule consistent-versions in the policy file's "rules" turns this off).`;
        return { finding: finding(context.manifest.file, entry.valueSpan, message, entry.name), entry };
    });
}
/** `0.<minor>` before 1.0 (where each minor is a release line), `<major>` after. */
function releaseLine({ spec }) {
    if (spec.kind !== 'range')
        return undefined;
    const lowest = (0,specs/* lowestAdmitted */.Lj)(spec.range);
    if (lowest === undefined)
        return undefined;
    const version = semver_default().parse(lowest);
    return version.major === 0 ? `0.${version.minor}` : `${version.major}`;
}

;// CONCATENATED MODULE: ./src/policy/rules/installed-tree.ts
/**
 * installed-tree, after install and link: each scope package in node_modules is the version package-lock.json
 * records. Links are not checked here: src/link.ts `verifyLinks` verifies them right after `npm link`, whatever
 * the policy mode.
 */
function installedTree(context, finding) {
    const { lockfile } = context;
    if (lockfile === undefined)
        return [];
    const findings = [];
    for (const installed of context.scopePackages) {
        if (context.ignored(installed.name))
            continue;
        const recorded = lockfile.packages.get(`node_modules/${installed.name}`);
        const fix = 'run npm ci so node_modules matches the lockfile';
        if (recorded === undefined) {
            const message = `node_modules/${installed.name} is installed but package-lock.json does not record it; ${fix}.`;
            findings.push(finding(lockfile.file, lockfile.locate([], 'key'), message, installed.name));
        }
        else if (!recorded.link && recorded.version !== undefined && installed.version !== recorded.version) {
            const message = `node_modules/${installed.name} is ${installed.version ?? 'unreadable'} but package-lock.json records ${recorded.version}; ${fix}.`;
            findings.push(finding(lockfile.file, lockfile.locate([...recorded.where, 'version'], 'value'), message, installed.name));
        }
    }
    return findings;
}

// EXTERNAL MODULE: ./src/policy/lockfile.ts
var policy_lockfile = __webpack_require__(4201);
;// CONCATENATED MODULE: ./src/policy/rules/lockfile.ts




const RUN_INSTALL = 'run npm install and commit the updated package-lock.json';
const THEN_RUN_INSTALL = `then ${RUN_INSTALL}`;
/**
 * lockfile-registry, registry half: the lockfile can be read, installs every scope package from the configured
 * registry (a dependency-confusion guard), and never installs a linked package from any registry. Runs once per lockfile.
 */
function lockfileFromRegistry(read, context, finding) {
    if ('error' in read)
        return [finding(read.error.file, read.error.span, read.error.message)];
    const { lockfile } = read;
    const registry = context.options.registryUrl;
    const findings = [];
    const report = (span, message, name) => {
        findings.push(finding(lockfile.file, span, message, name));
    };
    for (const entry of lockfile.packages.values()) {
        if (context.ignored(entry.name))
            continue;
        if (context.links.includes(entry.name)) {
            if (entry.resolved !== undefined && !entry.link)
                report(lockfile.locate([...entry.where, 'resolved'], 'value'), `package-lock.json installs the linked package "${entry.name}" from ${entry.resolved}, where anyone can publish that name; it must come ` +
                    `only from npm link ${entry.name}: mark it optional in "peerDependenciesMeta" (or install with --legacy-peer-deps), ${THEN_RUN_INSTALL}.`, entry.name);
            continue;
        }
        if (!context.inScope(entry.name))
            continue;
        if (entry.link)
            report(lockfile.locate(entry.where, 'key'), `package-lock.json links "${entry.name}" from a local folder (${entry.path}) instead ` +
                `of installing it from ${registry}; list it with a registry range, ${THEN_RUN_INSTALL}.`, entry.name);
        else if (entry.resolved !== undefined && !fromRegistry(entry.resolved, registry))
            report(lockfile.locate([...entry.where, 'resolved'], 'value'), `package-lock.json resolves "${entry.name}" from ${entry.resolved}, not from ${registry}; ` +
                `point the ${context.options.scope} scope at ${registry} in .npmrc, ${THEN_RUN_INSTALL}.`, entry.name);
    }
    return findings;
}
/** lockfile-registry, in-step half: the lockfile records this package.json's scope and linked entries as they are. */
function lockfileInStep(context, finding) {
    const { lockfile } = context;
    if (lockfile === undefined)
        return [];
    const results = [];
    const report = (span, message, name) => {
        const outOfStep = `package-lock.json is out of step with ${packageJsonName(context)}: ${message}; ${RUN_INSTALL}.`;
        results.push({ finding: finding(lockfile.file, span, outOfStep, name) });
    };
    const tracked = context.entries.filter((c) => c.role !== 'other' && (0,sections/* isInstalledSection */.wp)(c.entry.section));
    const root = lockfile.roots?.get(context.folder);
    if (lockfile.roots !== undefined && root === undefined) {
        if (tracked.length > 0)
            report(lockfile.locate([], 'key'), `it has no entry for ${context.folder === '' ? 'the program' : `the workspace ${context.folder}`}`);
        return results;
    }
    for (const { entry, spec, role } of tracked) {
        const recorded = root?.specs.get(entry.name);
        if (root !== undefined && recorded === undefined)
            report(lockfile.locate(root.where, 'key'), `it does not list ${(0,rules_context/* quoteEntry */.pM)(entry.name, entry.spec)}`, entry.name);
        else if (recorded !== undefined && recorded.spec !== entry.spec)
            report(lockfile.locate(recorded.where, 'property'), `it records ${(0,rules_context/* quoteEntry */.pM)(entry.name, recorded.spec)} where package.json has "${entry.spec}"`, entry.name);
        else if (role === 'scope' && spec.kind === 'range')
            checkInstalledVersion(lockfile, context.folder, entry.name, spec.range, report, root === undefined);
    }
    if (root !== undefined) {
        const listed = new Set(tracked.map((c) => c.entry.name));
        for (const [name, recorded] of root.specs)
            if (context.inScope(name) && !listed.has(name) && !context.ignored(name))
                report(lockfile.locate(recorded.where, 'property'), `it lists ${(0,rules_context/* quoteEntry */.pM)(name, recorded.spec)}, which package.json does not`, name);
    }
    return results;
}
/** The installed version admits the range; in lockfile version 1 (no copy of package.json) it must also exist. */
function checkInstalledVersion(lockfile, folder, name, range, report, mustExist) {
    const installed = (0,policy_lockfile/* installedFor */._m)(lockfile, folder, name);
    if (installed === undefined) {
        if (mustExist)
            report(lockfile.locate([], 'key'), `it does not install "${name}"`, name);
        return;
    }
    if (installed.link || installed.version === undefined || semver_default().validRange(range) === null)
        return;
    if (!semver_default().satisfies(installed.version, range, { includePrerelease: true }))
        report(lockfile.locate([...installed.where, 'version'], 'value'), `it installs "${name}" ${installed.version}, outside package.json's range "${range}"`, name);
}
function fromRegistry(resolved, registry) {
    try {
        const url = new URL(resolved);
        const base = new URL(registry.endsWith('/') ? registry : `${registry}/`);
        return url.protocol === base.protocol && url.host === base.host && url.pathname.startsWith(base.pathname);
    }
    catch {
        return false;
    }
}
function packageJsonName(context) {
    return context.folder === '' ? 'package.json' : `${context.folder}/package.json`;
}

// EXTERNAL MODULE: ./src/policy/package-pattern.ts
var package_pattern = __webpack_require__(7525);
;// CONCATENATED MODULE: ./src/policy/rules/placement.ts




/** scoped-in-dependencies: a scope package belongs in `dependencies` only (and in the allowed list, if any). */
function scopedInDependencies(context, finding) {
    const { config, manifest } = context;
    const inDependencies = new Set(context.entries.filter((c) => c.entry.section === 'dependencies').map((c) => c.entry.name));
    const results = [];
    for (const classified of context.entries) {
        if (classified.role !== 'scope')
            continue;
        const { entry, target } = classified;
        let message;
        if (config.allowedPackages !== undefined && !(0,package_pattern/* matchesAny */._I)(config.allowedPackages, target)) {
            message =
                `"${target}" is not one of the packages the policy allows ` +
                    `(${config.allowedPackages.join(', ') || 'none'}); remove it, or add it to "packages" in the policy file.`;
        }
        else if (entry.section === 'dependencies') {
            continue;
        }
        else if (!(0,sections/* isInstalledSection */.wp)(entry.section)) {
            message =
                `"${entry.name}" is listed in ${entry.section}, which packs it into the ` +
                    `program's tarball; remove it from there and keep it in "dependencies" only.`;
        }
        else if (inDependencies.has(entry.name)) {
            message = `"${entry.name}" is also listed in ${entry.section}; remove it from there, it belongs in "dependencies" only.`;
        }
        else {
            message =
                `"${entry.name}" is listed in ${entry.section}; move it to "dependencies" as ` +
                    `${(0,rules_context/* quoteEntry */.pM)(entry.name, suggestedSpec(classified, context) ?? entry.spec)}, since Pulumi's npm packages are regular dependencies.`;
        }
        results.push({ finding: finding(manifest.file, entry.span, message, entry.name), entry });
    }
    return results;
}
/** linked-peer: each linked package is a peer dependency and nowhere else that npm would install it from. */
function linkedPeer(context, finding) {
    const { manifest, config } = context;
    const results = [];
    for (const link of context.links) {
        const listed = context.entries.filter((c) => c.entry.name === link && c.entry.section !== 'peerDependencies');
        const installedFrom = listed.filter((c) => (0,sections/* isInstalledSection */.wp)(c.entry.section));
        const peer = context.entries.find((c) => c.entry.name === link && c.entry.section === 'peerDependencies')?.entry;
        const isPeer = peer !== undefined;
        const peerEntry = (0,rules_context/* quoteEntry */.pM)(link, config.linkedPeerRange);
        // Any range works with a link, so another one is only a warning: the documents write the entry one way.
        if (peer !== undefined && peer.spec !== config.linkedPeerRange) {
            const message = `"${link}" is listed in peerDependencies as ${JSON.stringify(peer.spec)}; Pulumi's documents list it as ${peerEntry}.`;
            results.push({ finding: { ...finding(manifest.file, peer.valueSpan, message, link), severity: 'warning' }, entry: peer });
        }
        for (const { entry } of installedFrom) {
            const message = isPeer
                ? `"${link}" is also listed in ${entry.section}, so npm would install it from the ` +
                    `registry instead of the link; remove it from there and keep the peerDependencies entry.`
                : `"${link}" is listed in ${entry.section}, so npm would install it from the registry instead of ` +
                    `the link; move it to "peerDependencies" as ${peerEntry} and install it with npm link ${link}.`;
            results.push({ finding: finding(manifest.file, entry.span, message, link), entry });
        }
        if (!isPeer && installedFrom.length === 0 && (0,rules_context/* isPulumiProgram */.tO)(context)) {
            const where = manifest.sectionKeys.get('peerDependencies') ?? manifest.rootSpan;
            const message = `"${link}" is missing from "peerDependencies"; add ${peerEntry} there, since it is installed with npm link ${link}.`;
            results.push({ finding: finding(manifest.file, where, message, link) });
        }
    }
    return results;
}
/** The spec to suggest for a scope package: its own when acceptable, else one from the lockfile or the floor. */
function suggestedSpec(classified, context) {
    const { spec, entry } = classified;
    const minimum = (0,rules_context/* minimumFor */.GH)(context.config, entry.name);
    if (spec.kind === 'range' && (minimum === undefined || !(0,specs/* admitsBelow */.mQ)(spec.range, minimum)))
        return entry.spec;
    return (0,rules_context/* suggestedRange */.jp)(context, entry.name);
}

// EXTERNAL MODULE: ./src/policy/positions.ts
var positions = __webpack_require__(7238);
// EXTERNAL MODULE: ./src/util/text.ts
var util_text = __webpack_require__(9997);
;// CONCATENATED MODULE: ./src/policy/rules/sources.ts




/** strict-dependencies: every listed scope package and linked package is loaded by the sources (or implied). */
function strictDependencies(context, finding) {
    const { usage } = context;
    // Unused-package findings must be right: with no sources, or a file whose imports are unknown, they cannot be.
    // An unparsable file is a warning whatever the rule's level: it stops the check rather than breaks a rule.
    if (usage.failures.length > 0) {
        return usage.failures.map(({ file, offset, message }) => ({
            finding: {
                ...finding(file.path, new positions/* LineIndex */.r(file.text).span(offset, 0), `This file cannot be parsed (${message}), so what it imports is unknown and unused packages are not reported for this program; fix the syntax.`),
                severity: 'warning',
            },
        }));
    }
    if (usage.sourceCount === 0)
        return [];
    const scopeUsed = [...usage.byPackage.keys()].some((name) => context.inScope(name));
    const results = [];
    for (const { entry, role } of context.entries) {
        if (role === 'other' || !(0,sections/* isInstalledSection */.wp)(entry.section))
            continue;
        if (usage.byPackage.has(entry.name) || context.implied.implied.has(entry.name))
            continue;
        // A linked package is the peer every scope package loads at run time.
        if (role === 'link' && scopeUsed)
            continue;
        const unmet = context.implied.unmet.get(entry.name);
        const why = unmet === undefined ? 'no source file imports or requires it' : `no source file imports it and ${unmet}`;
        const message = `"${entry.name}" is listed in ${entry.section} but ${why}; remove it, since programs should list only the packages they strictly ` +
            `depend on (a package loaded without an import goes under "implied" in the policy file).`;
        results.push({ finding: finding(context.manifest.file, entry.span, message, entry.name), entry });
    }
    return results;
}
/** undeclared-dependency: every scope package (or linked package) the sources load is listed in package.json. */
function undeclaredDependency(context, finding) {
    const listed = new Set(context.entries.filter((c) => (0,sections/* isInstalledSection */.wp)(c.entry.section)).map((c) => c.entry.name));
    const results = [];
    for (const [name, uses] of context.usage.byPackage) {
        const isLink = context.links.includes(name);
        if (listed.has(name) || (!isLink && !context.inScope(name)) || context.ignored(name))
            continue;
        const others = new Set(uses.map((use) => use.file.path)).size - 1;
        const where = others > 0 ? ` (and in ${(0,util_text/* plural */.LS)(others, 'other file')})` : '';
        const how = uses.every((use) => use.use.typeOnly) ? 'imported for its types only' : 'loaded';
        const range = (0,rules_context/* suggestedRange */.jp)(context, name);
        const fix = isLink
            ? `add ${(0,rules_context/* quoteEntry */.pM)(name, context.config.linkedPeerRange)} to "peerDependencies" and install it with npm link ${name}`
            : range === undefined
                ? `add it to "dependencies" with npm install ${name}`
                : `add ${(0,rules_context/* quoteEntry */.pM)(name, range)} to "dependencies"`;
        const message = `"${name}" is ${how} here${where} but package.json does not list it; ${fix}.`;
        const { file, use } = uses[0];
        results.push({ finding: finding(file.path, new positions/* LineIndex */.r(file.text).span(use.start, use.end - use.start), message, name) });
    }
    return results;
}

;// CONCATENATED MODULE: ./src/policy/rules/registry.ts






const ERROR_IN_EVERY_PRESET = { 'pulumi-0.10': 'error', current: 'error' };
/**
 * Every configurable rule, in order of priority: the rules run in this order (their findings come out in it), and
 * when two of them find something about the same package.json entry at the same severity, the first one's finding
 * is kept (it already says what to change there). Adding a rule: a module in this folder, and one line here.
 */
const RULES = [
    { id: 'scoped-in-dependencies', phase: 'static', defaults: ERROR_IN_EVERY_PRESET, check: scopedInDependencies },
    { id: 'linked-peer', phase: 'static', defaults: ERROR_IN_EVERY_PRESET, check: linkedPeer },
    { id: 'minimum-version', phase: 'static', defaults: ERROR_IN_EVERY_PRESET, check: minimumVersion },
    { id: 'strict-dependencies', phase: 'static', defaults: ERROR_IN_EVERY_PRESET, check: strictDependencies },
    { id: 'undeclared-dependency', phase: 'static', defaults: ERROR_IN_EVERY_PRESET, check: undeclaredDependency },
    // The packages have separate release lines since 1.0, so the current layout does not ask for one.
    { id: 'consistent-versions', phase: 'static', defaults: { 'pulumi-0.10': 'warn', current: 'off' }, check: consistentVersions },
    { id: 'lockfile-registry', phase: 'static', defaults: ERROR_IN_EVERY_PRESET, check: lockfileInStep, checkLockfile: lockfileFromRegistry },
    { id: 'installed-tree', phase: 'installed', defaults: ERROR_IN_EVERY_PRESET, check: installedTree },
];
const STATIC_RULES = RULES.filter((rule) => rule.phase === 'static');
const INSTALLED_RULES = RULES.filter((rule) => rule.phase === 'installed');


/***/ }),

/***/ 368:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   MW: () => (/* binding */ INSTALLED_SECTIONS),
/* harmony export */   rx: () => (/* binding */ DEPENDENCY_SECTIONS),
/* harmony export */   wp: () => (/* binding */ isInstalledSection)
/* harmony export */ });
/** The package.json sections whose entries npm installs; package-lock.json copies these into its root entries. */
const INSTALLED_SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];
/** Every package.json section that names dependencies: the installed ones, and the bundled lists (names only). */
const DEPENDENCY_SECTIONS = [...INSTALLED_SECTIONS, 'bundleDependencies', 'bundledDependencies'];
const INSTALLED = new Set(INSTALLED_SECTIONS);
function isInstalledSection(section) {
    return INSTALLED.has(section);
}


/***/ }),

/***/ 954:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Lj: () => (/* binding */ lowestAdmitted),
/* harmony export */   mQ: () => (/* binding */ admitsBelow),
/* harmony export */   ug: () => (/* binding */ classifySpec)
/* harmony export */ });
/* harmony import */ var npm_package_arg__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8056);
/* harmony import */ var npm_package_arg__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(npm_package_arg__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2088);
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(semver__WEBPACK_IMPORTED_MODULE_1__);


/** Classifies `spec` as npm would for `name` (resolving `npm:` aliases to their target). */
function classifySpec(name, spec, dir) {
    // Most specs are plain ranges: semver says so far faster than npm-package-arg, which handles every other kind.
    if (semver__WEBPACK_IMPORTED_MODULE_1___default().validRange(spec) !== null)
        return { kind: 'range', range: spec, target: name };
    let parsed;
    try {
        parsed = npm_package_arg__WEBPACK_IMPORTED_MODULE_0___default().resolve(name, spec, dir);
    }
    catch (error) {
        return { kind: 'invalid', reason: firstLine(error) };
    }
    const resolved = parsed.type === 'alias' ? parsed.subSpec : parsed;
    const target = resolved.name ?? name;
    switch (resolved.type) {
        case 'range':
        case 'version':
            return { kind: 'range', range: resolved.fetchSpec ?? spec, target };
        case 'tag':
            return { kind: 'tag', tag: resolved.fetchSpec ?? spec, target };
        default:
            return { kind: 'elsewhere', type: resolved.type };
    }
}
/** The lowest version `range` admits, or undefined when it admits none. */
function lowestAdmitted(range) {
    try {
        return semver__WEBPACK_IMPORTED_MODULE_1___default().minVersion(range)?.version;
    }
    catch {
        return undefined;
    }
}
/** True when `range` admits some version below `minimum` (prereleases of `minimum` count as below). */
function admitsBelow(range, minimum) {
    const lowest = lowestAdmitted(range);
    return lowest !== undefined && semver__WEBPACK_IMPORTED_MODULE_1___default().lt(lowest, minimum);
}
function firstLine(error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.split('\n')[0];
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


/***/ }),

/***/ 9997:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   LS: () => (/* binding */ plural),
/* harmony export */   Yn: () => (/* binding */ relativePosix),
/* harmony export */   d7: () => (/* binding */ toPosix)
/* harmony export */ });
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);

/** A path with forward slashes, as GitHub annotations, cache paths and messages show it on every OS. */
function toPosix(path) {
    return node_path__WEBPACK_IMPORTED_MODULE_0__.sep === '/' ? path : path.split(node_path__WEBPACK_IMPORTED_MODULE_0__.sep).join('/');
}
/** `path` relative to `base`, with forward slashes ('' when they are the same folder). */
function relativePosix(base, path) {
    return toPosix((0,node_path__WEBPACK_IMPORTED_MODULE_0__.relative)(base, path));
}
/** "1 error", "2 errors": a count with its noun, in the plural unless the count is 1. */
function plural(count, noun, nounPlural = `${noun}s`) {
    return `${count} ${count === 1 ? noun : nounPlural}`;
}


/***/ })

};
