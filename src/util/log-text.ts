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

/** Text for the job summary's markdown: no markup, no HTML, no line break, whatever the data holds. */
export function markdownText(text: string): string {
  return redactUrlCredentials(text)
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/[\\`*_{}[\]()<>#+!|~]/g, (character) => `\\${character}`);
}

/** Text as inline code in the job summary, in a table cell too: a fence longer than any run of backticks in it. */
export function markdownCode(text: string): string {
  const content = redactUrlCredentials(text)
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/\|/g, '\\|');
  const fence = '`'.repeat(Math.max(0, ...[...content.matchAll(/`+/g)].map((run) => run[0].length)) + 1);
  const pad = content.startsWith('`') || content.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}
