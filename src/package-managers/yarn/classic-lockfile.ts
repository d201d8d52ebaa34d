/**
 * The entries of a yarn 1 lockfile as yarn's own integrity record lists them: each pattern (`name@range`; a block's
 * comma-separated key is several) and the URL it resolved to ('' for none). Only for comparing the two records: the
 * policy reads yarn.lock through lockfile.ts.
 */
export function classicLockfileEntries(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  let patterns: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim() || line.startsWith('#')) continue;
    if (!/^\s/.test(line) && line.endsWith(':')) {
      patterns = line
        .slice(0, -1)
        .split(/,\s*/)
        .map((pattern) => unquoted(pattern.trim()));
      for (const pattern of patterns) entries.set(pattern, '');
      continue;
    }
    const resolved = /^ {2}resolved (.+)$/.exec(line);
    if (resolved) for (const pattern of patterns) entries.set(pattern, unquoted(resolved[1]!.trim()));
  }
  return entries;
}

function unquoted(text: string): string {
  if (!text.startsWith('"')) return text;
  try {
    return String(JSON.parse(text));
  } catch {
    return text.slice(1, -1);
  }
}
