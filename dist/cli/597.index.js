export const id = 597;
export const ids = [597];
export const modules = {

/***/ 3597:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  parsePolicyFile: () => (/* binding */ parsePolicyFile)
});

// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
// EXTERNAL MODULE: ./src/policy/finding.ts
var finding = __webpack_require__(891);
// EXTERNAL MODULE: ./node_modules/semver/index.js
var semver = __webpack_require__(2088);
var semver_default = /*#__PURE__*/__webpack_require__.n(semver);
// EXTERNAL MODULE: ./node_modules/zod/v4/core/core.js
var core = __webpack_require__(8532);
// EXTERNAL MODULE: ./node_modules/zod/v4/mini/schemas.js + 5 modules
var schemas = __webpack_require__(8395);
// EXTERNAL MODULE: ./node_modules/zod/v4/core/api.js + 1 modules
var api = __webpack_require__(3305);
// EXTERNAL MODULE: ./node_modules/zod/v4/locales/en.js
var en = __webpack_require__(252);
// EXTERNAL MODULE: ./src/policy/package-pattern.ts
var package_pattern = __webpack_require__(7525);
// EXTERNAL MODULE: ./src/policy/presets.ts
var presets = __webpack_require__(4490);
// EXTERNAL MODULE: ./src/policy/rules/registry.ts + 6 modules
var registry = __webpack_require__(5508);
;// CONCATENATED MODULE: ./src/policy/policy-file-schema.ts






// zod/mini leaves messages to a locale: English, for the few issues the policy file's own messages do not word.
core/* config */.$W((0,en/* default */.A)());
const level = schemas/* enum */.k5n(['error', 'warn', 'off']);
const packageName = schemas/* string */.YjP().check(schemas/* refine */.YPB(package_pattern/* isPackagePattern */.db, 'Expected an npm package name such as "@pulumi/aws", or a scope glob such as "@pulumi/*"'));
const version = schemas/* string */.YjP().check(schemas/* refine */.YPB((value) => semver_default().valid(value) !== null, 'Expected a version such as "0.10.0"'));
const nonEmpty = schemas/* string */.YjP().check(api/* _minLength */.m9(1));
const ruleLevels = Object.fromEntries(registry/* RULES */.y0.map((rule) => [rule.id, level]));
/** The policy file (`.github/pulumi-npm-policy.yml`). Every key is optional; unknown keys are errors. */
const policyFileSchema = schemas/* strictObject */.rej({
    preset: schemas/* optional */.lqM(schemas/* enum */.k5n(presets/* PRESET_NAMES */.dO)),
    rules: schemas/* optional */.lqM(schemas/* partial */.OH3(schemas/* strictObject */.rej(ruleLevels))),
    // One version for the whole scope, or a floor per package name or scope glob.
    'minimum-version': schemas/* optional */.lqM(schemas/* union */.KCZ([version, schemas/* record */.g1P(packageName, version)])),
    packages: schemas/* optional */.lqM(schemas/* array */.YOg(packageName)),
    implied: schemas/* optional */.lqM(schemas/* array */.YOg(schemas/* strictObject */.rej({
        package: packageName,
        by: packageName,
        when: schemas/* optional */.lqM(schemas/* strictObject */.rej({ config: nonEmpty, equals: schemas/* string */.YjP() })),
    }))),
    ignore: schemas/* optional */.lqM(schemas/* strictObject */.rej({
        packages: schemas/* optional */.lqM(schemas/* array */.YOg(packageName)),
        paths: schemas/* optional */.lqM(schemas/* array */.YOg(nonEmpty)),
    })),
});

;// CONCATENATED MODULE: ./src/policy/policy-file.ts





/** A policy file is a few dozen lines: a document whose aliases expand further is an attack on memory. */
const MAX_ALIAS_COUNT = 100;
const MAX_REPORTED_ERRORS = 10;
/**
 * Reads a policy file over its preset (`presetInput` when the `preset` input is set, else the file's own). A YAML
 * error or a schema violation is a 'policy-file' error finding on its line, and there is no config: the run fails
 * rather than check with another preset than the one asked for. Loaded only when there is a policy file (see config.ts).
 */
function parsePolicyFile(file, presetInput) {
    const lines = new dist.LineCounter();
    const document = (0,dist.parseDocument)(file.text, { lineCounter: lines, prettyErrors: false });
    const at = (range, message) => {
        const start = lines.linePos(range[0]);
        const end = lines.linePos(range[1]);
        return (0,finding/* findingAt */.d)('policy-file', 'error', file.path, { start: { line: start.line, column: start.col }, end: { line: end.line, column: end.col } }, message);
    };
    if (document.errors.length > 0) {
        // A hostile file (nested thousands deep, say) gives thousands of errors; the first few say what is wrong.
        const findings = document.errors
            .slice(0, MAX_REPORTED_ERRORS)
            .map((error) => at(error.pos, `The policy file is not valid YAML: ${error.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '')}.`));
        return { config: undefined, findings };
    }
    let value;
    try {
        // The yaml package stops an alias bomb (aliases expanding to millions of nodes) at maxAliasCount.
        value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    }
    catch (error) {
        const reason = error instanceof ReferenceError ? `more than ${MAX_ALIAS_COUNT} alias expansions` : error.message;
        return { config: undefined, findings: [at([0, 0], `The policy file cannot be read (${reason}); write the values out.`)] };
    }
    const parsed = policyFileSchema.safeParse(value ?? {}, { reportInput: true });
    if (!parsed.success) {
        const findings = parsed.error.issues
            .map((issue) => at(issueRange(document, issue), describeIssue(issue)))
            .sort((a, b) => a.line - b.line || a.column - b.column);
        return { config: undefined, findings };
    }
    return { config: toConfig(parsed.data, file.path, presetInput), findings: [] };
}
function toConfig(policy, path, presetInput) {
    const config = presetInput ? (0,presets/* presetConfig */.uo)(presetInput, 'input') : policy.preset ? (0,presets/* presetConfig */.uo)(policy.preset, 'policy file') : (0,presets/* presetConfig */.uo)(presets/* DEFAULT_PRESET */.CO);
    config.file = path;
    Object.assign(config.rules, policy.rules);
    const minimum = policy['minimum-version'];
    if (typeof minimum === 'string')
        config.minimumVersions = { [package_pattern/* WHOLE_SCOPE */.tV]: minimum };
    else if (minimum !== undefined)
        config.minimumVersions = { ...minimum };
    if (policy.packages !== undefined)
        config.allowedPackages = policy.packages;
    if (policy.implied !== undefined)
        config.impliedUses = policy.implied.map((use) => (use.when ? { ...use, when: { ...use.when } } : { package: use.package, by: use.by }));
    if (policy.ignore?.packages !== undefined)
        config.ignorePackages = policy.ignore.packages;
    if (policy.ignore?.paths !== undefined)
        config.ignorePaths = policy.ignore.paths;
    return config;
}
/** Where an issue points: the unknown key itself, else the value at its path, else the nearest parent that exists. */
function issueRange(document, issue) {
    const path = issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part));
    if (issue.code === 'unrecognized_keys') {
        const parent = path.length === 0 ? document.contents : document.getIn(path, true);
        if ((0,dist.isMap)(parent)) {
            const pair = parent.items.find((item) => (0,dist.isPair)(item) && (0,dist.isScalar)(item.key) && issue.keys.includes(String(item.key.value)));
            const range = pair?.key?.range;
            if (range)
                return [range[0], range[1]];
        }
    }
    for (let depth = path.length; depth >= 0; depth--) {
        const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true);
        const range = node?.range;
        if (range)
            return [range[0], range[1]];
    }
    return [0, 0];
}
function describeIssue(issue) {
    const path = issue.path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i > 0 ? '.' : ''}${String(part)}`)).join('');
    const where = path === '' ? 'The policy file' : `"${path}"`;
    switch (issue.code) {
        case 'unrecognized_keys':
            return (`Unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')} in ` +
                `${where === 'The policy file' ? 'the policy file' : where}; remove ${issue.keys.length > 1 ? 'them' : 'it'} or fix the spelling.`);
        case 'invalid_value':
            return `${where} must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}.`;
        case 'invalid_type':
            if (issue.input === undefined)
                return `${where} is missing; add it (${article(issue.expected)}).`;
            return `${where} must be ${article(issue.expected)}, not ${article(typeName(issue.input))}.`;
        default:
            return `${where}: ${issue.message}.`;
    }
}
function typeName(value) {
    if (value === null)
        return 'null';
    return Array.isArray(value) ? 'array' : typeof value;
}
function article(type) {
    const names = {
        object: 'a mapping',
        array: 'a list',
        string: 'a string',
        number: 'a number',
        boolean: 'true or false',
        null: 'empty',
    };
    return names[type] ?? type;
}


/***/ })

};
