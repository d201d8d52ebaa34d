export const id = 953;
export const ids = [953];
export const modules = {

/***/ 9953:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   annotate: () => (/* binding */ annotate)
/* harmony export */ });
/* unused harmony exports allFindings, summaryMarkdown, writeJsonReport */
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6421);
/* harmony import */ var _policy_index_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7183);
/* harmony import */ var _util_text_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9997);





function allFindings(record) {
    return record.programs.flatMap((program) => program.policy?.findings ?? []);
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
        else
            _actions_core__WEBPACK_IMPORTED_MODULE_2__/* .warning */ .$e(finding.message, properties);
    }
}
/** The job summary: what was configured, installed, linked and found. Pure, so it can be tested as text. */
function summaryMarkdown(record) {
    const workspace = record.workspace;
    const lines = ['## Setup Pulumi npm', ''];
    lines.push(record.failure ? `**Failed:** ${record.failure}` : '**Succeeded.**', '');
    const s = record.settings;
    lines.push('| Setting | Value |', '| --- | --- |', `| Scope | \`${s.scope}\` → ${s.registryUrl} |`, `| Token | ${tokenLine(record)} |`, `| npm config | ${record.npmrc ? `\`${record.npmrc.file}\`${record.npmrc.mergedFrom ? ` (keeps \`${record.npmrc.mergedFrom}\`)` : ''}` : 'not written'} |`, `| Install | ${s.install ? `\`${s.installCommand}\`` : 'off (policy check only)'} |`, `| Links | ${s.links.length ? s.links.map((name) => `\`${name}\``).join(', ') : 'none'} |`, `| Cache | ${cacheLine(record)} |`, `| Policy | ${s.policy}${s.policyFile ? ` (\`${relativePosix(workspace, s.policyFile)}\`)` : ''} |`, '');
    for (const program of record.programs) {
        lines.push(`### Program \`${toPosix(program.name)}\``, '');
        const facts = [
            program.installed ? `install ${program.installed}${program.installSeconds !== undefined ? ` in ${program.installSeconds.toFixed(1)} s` : ''}` : undefined,
            program.scripts?.length ? `install scripts run without the token: ${program.scripts.map((name) => `\`${name}\``).join(', ')}` : undefined,
            ...(program.links ?? []).map((link) => `\`${link.name}\` linked to \`${link.target}\`${link.version ? ` (${link.version})` : ''}`),
        ].filter(Boolean);
        if (facts.length)
            lines.push(...facts.map((fact) => `- ${fact}`), '');
        if (program.policy?.packages.length)
            lines.push(...markdownTable(summaryRows(program.policy)), '');
    }
    lines.push(`**Policy:** ${countLine(allFindings(record))}.`, '');
    return lines.join('\n');
}
function tokenLine(record) {
    const source = record.settings.token;
    if (source === 'none')
        return 'not provided';
    const from = source === 'input' ? '"pulumi-access-token" input' : 'PULUMI_ACCESS_TOKEN variable';
    return `from the ${from}${record.registry?.username ? ` (user \`${record.registry.username}\`)` : ''}`;
}
function cacheLine(record) {
    if (record.settings.cache === 'false')
        return 'off';
    const cache = record.cache;
    if (!cache)
        return `${record.settings.cache === 'restore' ? 'restore only' : 'on'}, not used`;
    const outcome = cache.hit ? 'exact hit' : cache.matchedKey ? `restored \`${cache.matchedKey}\`` : 'miss';
    return `${outcome}${cache.saved ? ', saved' : ''}${cache.note ? ` (${cache.note})` : ''}`;
}
function markdownTable(rows) {
    const cell = (text) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
    const [header, ...body] = rows;
    if (!header)
        return [];
    return [`| ${header.map(cell).join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...body.map((row) => `| ${row.map(cell).join(' | ')} |`)];
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
