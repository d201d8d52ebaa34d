export const id = 92;
export const ids = [92];
export const modules = {

/***/ 8092:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  sarifLog: () => (/* binding */ sarifLog)
});

// UNUSED EXPORTS: writeSarifLog

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
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

// EXTERNAL MODULE: ./src/util/text.ts
var util_text = __webpack_require__(9997);
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
    const file = join(runnerTemp, `setup-pulumi-npm-report-${process.pid}-${Date.now()}.sarif`);
    await writeFile(file, `${JSON.stringify(sarifLog(findings, workspace), null, 2)}\n`);
    return file;
}


/***/ })

};
