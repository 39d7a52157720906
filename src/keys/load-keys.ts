import { readFile } from "node:fs/promises";
import { ConfigError } from "../config.js";
import { labelProblem } from "./key-labels.js";

export interface KeyEntry {
  key: string;
  /** An HTTP(S) proxy for this key's upstream calls (`proxy=` on its line). */
  proxy?: string;
  /** A label for filtering and acting on keys in groups (`label=` on its line). */
  label?: string;
}

/**
 * Parses the keys file: one key per line, blank lines and `#` comments ignored, spaces trimmed,
 * duplicates counted once. A line may add `proxy=http://host:port` and `label=<name>` after the key.
 */
export function parseKeysText(text: string, source: string): KeyEntry[] {
  const entries: KeyEntry[] = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    const entry = parseKeyLine(line, `${source} line ${index + 1}`);
    if (entry) entries.push(entry);
  }
  return entries;
}

/** One line of the keys file (or of a pasted import); undefined for a blank line or a comment. */
export function parseKeyLine(rawLine: string, where: string): KeyEntry | undefined {
  const line = rawLine.trim();
  if (line === "" || line.startsWith("#")) return undefined;
  const [key, ...options] = line.split(/\s+/);
  if (!key) return undefined;
  const entry: KeyEntry = { key };
  for (const option of options) {
    if (option.startsWith("#")) break;
    const label = option.match(/^label=(.*)$/)?.[1];
    if (label !== undefined) {
      const problem = labelProblem(label);
      if (problem) throw new ConfigError(`${where}: ${problem}`);
      entry.label = label;
      continue;
    }
    const proxy = option.match(/^proxy=(.+)$/)?.[1];
    if (!proxy) {
      throw new ConfigError(
        `${where}: unknown option "${option.split("=")[0]}" after the key; only proxy=http://host:port and label=<name> are allowed`,
      );
    }
    if (!/^https?:\/\/[^\s]+$/.test(proxy)) {
      throw new ConfigError(`${where}: proxy must be an http:// or https:// URL`);
    }
    entry.proxy = proxy;
  }
  return entry;
}

/** Merges key lists, keeping the first occurrence of each key. */
export function mergeKeyEntries(...lists: ReadonlyArray<readonly KeyEntry[]>): KeyEntry[] {
  const seen = new Map<string, KeyEntry>();
  for (const list of lists) {
    for (const entry of list) {
      if (!seen.has(entry.key)) seen.set(entry.key, entry);
    }
  }
  return [...seen.values()];
}

/**
 * Reads `KEYS_FILE` and merges `GEMINI_API_KEYS`. A missing file is fine when the environment has
 * keys (a container configured by environment alone); a file that exists but cannot be read is not.
 */
export async function loadKeyEntries(keysFile: string, extraKeys: readonly string[]): Promise<KeyEntry[]> {
  let fileEntries: KeyEntry[] = [];
  try {
    fileEntries = parseKeysText(await readFile(keysFile, "utf8"), `KEYS_FILE (${keysFile})`);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" || extraKeys.length === 0) {
      throw new ConfigError(
        code === "ENOENT"
          ? `KEYS_FILE (${keysFile}) does not exist: create it with one Gemini API key per line (cp keys.txt.example keys.txt) or set GEMINI_API_KEYS`
          : `KEYS_FILE (${keysFile}) cannot be read (${code ?? "error"}): check the path and its permissions`,
      );
    }
  }
  return mergeKeyEntries(
    fileEntries,
    extraKeys.map((key) => ({ key })),
  );
}
