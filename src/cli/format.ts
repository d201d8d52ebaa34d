import type { Finding } from '../policy/types.js';
import { relativePosix } from '../util/text.js';

const STYLE = { error: '\u001b[31m', warning: '\u001b[33m', notice: '\u001b[36m', dim: '\u001b[2m', reset: '\u001b[0m' };

/** One line per finding, `path:line:col  severity  rule-id  message`, paths relative to `cwd`; colour on a terminal only. */
export function textLines(findings: Finding[], cwd: string, colour: boolean): string[] {
  const paint = (style: keyof typeof STYLE, text: string) => (colour ? `${STYLE[style]}${text}${STYLE.reset}` : text);
  return findings.map((finding) => {
    const where = `${relativePosix(cwd, finding.file) || '.'}:${finding.line}:${finding.column}`;
    return `${paint('dim', where)}  ${paint(finding.severity, finding.severity)}  ${finding.rule}  ${finding.message}`;
  });
}
