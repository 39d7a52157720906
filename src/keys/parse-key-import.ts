import { ConfigError } from "../config.js";
import { type KeyEntry, parseKeyLine } from "./load-keys.js";

export interface ParsedImport {
  /** The keys found, each once (the first line that holds it wins), with their line numbers. */
  entries: Array<{ line: number; entry: KeyEntry }>;
  /** Lines that hold no usable key, and why (never the key itself). */
  malformed: Array<{ line: number; reason: string }>;
}

/** Lines one import may hold: a few thousand keys, with room for comments. */
export const MAX_IMPORT_LINES = 20_000;

/**
 * Reads pasted keys: one per line, with optional `proxy=` and `label=` after it, blank lines and `#`
 * comments ignored; the same rules as a keys-file line, but a bad line is reported, not fatal.
 */
export function parseKeyImport(text: string): ParsedImport {
  const result: ParsedImport = { entries: [], malformed: [] };
  const seen = new Set<string>();
  for (const [index, line] of text.split(/\r?\n/).slice(0, MAX_IMPORT_LINES).entries()) {
    const lineNumber = index + 1;
    let entry: KeyEntry | undefined;
    try {
      entry = parseKeyLine(line, `line ${lineNumber}`);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      result.malformed.push({ line: lineNumber, reason: error.message.replace(/^line \d+: /, "") });
      continue;
    }
    if (!entry || seen.has(entry.key)) continue;
    seen.add(entry.key);
    result.entries.push({ line: lineNumber, entry });
  }
  return result;
}
