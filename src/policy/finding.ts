import type { Span } from './positions.js';
import type { Finding, RuleId, Severity } from './types.js';

/** Builds a finding that covers `span` in `file`. */
export function findingAt(rule: RuleId, severity: Severity, file: string, span: Span, message: string, pkg?: string): Finding {
  const finding: Finding = {
    rule,
    severity,
    file,
    line: span.start.line,
    column: span.start.column,
    endLine: span.end.line,
    endColumn: span.end.column,
    message,
  };
  if (pkg !== undefined) finding.package = pkg;
  return finding;
}
