import type { AnnotationProperties } from '@actions/core';
import { core } from '../action/toolkit.js';
import type { Finding } from '../policy/index.js';
import { redactUrlCredentials } from '../util/log-text.js';
import { relativePosix } from '../util/text.js';

/** Findings as they may be printed: their messages quote the user's files, lockfile URLs with credentials among them. */
export function printableFindings(findings: Finding[]): Finding[] {
  return findings.map((finding) => ({ ...finding, message: redactUrlCredentials(finding.message) }));
}

/** Findings become annotations on the exact line and column, with paths relative to the repository as GitHub wants. */
export function annotate(findings: Finding[], workspace: string): void {
  for (const finding of findings) {
    const properties: AnnotationProperties = {
      title: finding.rule,
      file: relativePosix(workspace, finding.file),
      startLine: finding.line,
      startColumn: finding.column,
    };
    if (finding.endLine !== undefined) properties.endLine = finding.endLine;
    // GitHub ignores columns on multi-line annotations.
    if (finding.endColumn !== undefined && (finding.endLine ?? finding.line) === finding.line) properties.endColumn = finding.endColumn;
    if (finding.severity === 'error') core.error(finding.message, properties);
    else if (finding.severity === 'warning') core.warning(finding.message, properties);
    else core.notice(finding.message, properties);
  }
}
