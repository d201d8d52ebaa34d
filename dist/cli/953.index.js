export const id = 953;
export const ids = [953];
export const modules = {

/***/ 9953:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   annotate: () => (/* binding */ annotate)
/* harmony export */ });
/* unused harmony exports allFindings, printableFindings, summaryMarkdown, writeJsonReport */
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6421);
/* harmony import */ var _policy_index_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3735);
/* harmony import */ var _util_text_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9997);






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
            file: (0,_util_text_js__WEBPACK_IMPORTED_MODULE_4__/* .relativePosix */ .Yn)(workspace, finding.file),
            startLine: finding.line,
            startColumn: finding.column,
        };
        if (finding.endLine !== undefined)
            properties.endLine = finding.endLine;
        // GitHub ignores columns on multi-line annotations.
        if (finding.endColumn !== undefined && (finding.endLine ?? finding.line) === finding.line)
            properties.endColumn = finding.endColumn;
        if (finding.severity === 'error')
            _actions_core__WEBPACK_IMPORTED_MODULE_2__/* .error */ .z3(finding.message, properties);
        else if (finding.severity === 'warning')
            _actions_core__WEBPACK_IMPORTED_MODULE_2__/* .warning */ .$e(finding.message, properties);
        else
            _actions_core__WEBPACK_IMPORTED_MODULE_2__/* .notice */ .lm(finding.message, properties);
    }
}
/** The job summary: what was configured, installed, linked and found. Pure, so it can be tested as text. */
function summaryMarkdown(record) {
    const workspace = record.workspace;
    const lines = ['## Setup Pulumi npm', ''];
    lines.push(record.failure ? `**Failed:** ${markdownText(record.failure)}` : '**Succeeded.**', '');
    const s = record.settings;
    lines.push('| Setting | Value |', '| --- | --- |', `| Preset | ${presetLine(record)} |`, `| Scope | ${scopeLine(record)} |`, `| Token | ${tokenLine(record)} |`, `| npm config | ${npmrcLine(record)} |`, `| Install | ${s.install ? markdownCode(s.installCommand) : 'off (policy check only)'} |`, `| Links | ${s.links.length ? s.links.map(markdownCode).join(', ') : 'none'} |`, `| Cache | ${cacheLine(record)} |`, `| Policy | ${s.policy}${s.policyFile ? ` (${markdownCode(relativePosix(workspace, s.policyFile))})` : ''} |`, '');
    for (const program of record.programs) {
        lines.push(`### Program ${markdownCode(toPosix(program.name))}`, '');
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
    const file = path.join(runnerTemp, `setup-pulumi-npm-report-${process.pid}-${Date.now()}.json`);
    const relative = (file) => relativePosix(record.workspace, file) || '.';
    const findings = allFindings(record).map((finding) => ({ ...finding, file: relative(finding.file) }));
    const programs = record.programs.map(({ dir: _dir, name, policy, ...rest }) => ({ dir: toPosix(name), ...rest, packages: policy?.packages ?? [] }));
    const { workspace: _workspace, ...rest } = record;
    const report = { ...rest, programs, violations: totals(findings).errors, findings };
    await fs.writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    return file;
}


/***/ })

};
