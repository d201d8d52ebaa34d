/**
 * Text from the user's files (package names, lockfile URLs, paths) and from npm's output, made safe to print: the
 * runner carries out any log line that starts with `::` as a workflow command, and a URL may carry credentials.
 */

// scheme://user:password@ (or scheme://secret@): what npm redacts before it prints a URL.
const URL_CREDENTIALS = /\b([a-z][a-z\d+.-]*:\/\/)(?:([^\s/?#@:]*):)?[^\s/?#@]+@/gi;

/** `https://user:pass@host/` → `https://user:***@host/`, and `https://secret@host/` → `https://***@host/`, as npm does. */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, (_match, scheme: string, user: string | undefined) => `${scheme}${user === undefined ? '' : `${user}:`}***@`);
}

/**
 * One log line that holds data: credentials redacted, line breaks shown as `⏎` (a name with a line break would
 * otherwise start a line of its own), and never a line that starts with `::`.
 */
export function logLine(text: string): string {
  const line = redactUrlCredentials(text).replace(/\r\n|\r|\n/g, '⏎');
  return /^\s*::/.test(line) ? `⏎${line}` : line;
}

/** Text for the job summary's markdown: no markup, no HTML, no entity, no math, no line break, whatever the data holds. */
export function markdownText(text: string): string {
  return oneLine(text).replace(/[\\`*_{}[\]()<>#+!|~&$]/g, (character) => `\\${character}`);
}

/**
 * Text as inline code in the job summary: a fence longer than any run of backticks in it, and a pipe escaped in a
 * table cell (GitHub splits a row on any other pipe; outside a table the backslash would show).
 */
export function markdownCode(text: string, place: 'table' | 'text' = 'table'): string {
  const line = oneLine(text);
  const content = place === 'table' ? line.replace(/\|/g, '\\|') : line;
  const fence = '`'.repeat(longestBacktickRun(content) + 1);
  // A code span drops one space from each end when both have one, and a backtick at an end would join the fence.
  const spaced = /^ .*[^ ].* $/.test(content) || content.startsWith('`') || content.endsWith('`');
  const pad = spaced ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

/** Lines of a fenced code block holding `text`: its fence is longer than any run of backticks in it, so no line of it closes the block. */
export function markdownCodeBlock(text: string, language: string): string[] {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(text) + 1));
  return [`${fence}${language}`, redactUrlCredentials(text), fence];
}

function oneLine(text: string): string {
  return redactUrlCredentials(text).replace(/\r\n|\r|\n/g, ' ');
}

function longestBacktickRun(text: string): number {
  return Math.max(0, ...[...text.matchAll(/`+/g)].map((run) => run[0].length));
}
