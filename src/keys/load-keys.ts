import { readFile } from "node:fs/promises";
import { ConfigError } from "../config.js";
import { labelProblem } from "./key-labels.js";
import { ANY_SHAPE_OPTION, keyShapeProblem } from "./key-shape.js";

export interface KeyEntry {
  key: string;
  /** An HTTP(S) or SOCKS5 proxy for this key's upstream calls (`proxy=` on its line). */
  proxy?: string;
  /** A label for filtering and acting on keys in groups (`label=` on its line). */
  label?: string;
}

/** `proxy=` takes HTTP(S) proxies and SOCKS5 ones (`socks5://`, or `socks://`, undici's name for it). */
const PROXY_URL = /^(https?|socks5?):\/\/[^\s]+$/;

/**
 * Parses the keys file: one key per line, blank lines and `#` comments ignored, spaces trimmed,
 * duplicates counted once. A line may add `proxy=<url>` and `label=<name>` after the key, and
 * `allow-any-shape` for a key that does not look like one (see key-shape.ts). Throws `ConfigError`
 * naming the line; the message never holds the key.
 */
export function parseKeysText(text: string, source: string): KeyEntry[] {
  const entries: KeyEntry[] = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    const entry = parseKeyLine(line, `${source} line ${index + 1}`);
    if (entry) entries.push(entry);
  }
  return entries;
}

/** One line of the keys file (or of a pasted import, a `GEMINI_API_KEYS` item, an added key); undefined for a comment. */
export function parseKeyLine(rawLine: string, where: string): KeyEntry | undefined {
  const line = rawLine.trim();
  if (line === "" || line.startsWith("#")) return undefined;
  const [key, ...options] = line.split(/\s+/);
  if (!key) return undefined;
  const entry: KeyEntry = { key };
  let anyShape = false;
  for (const option of options) {
    if (option.startsWith("#")) break;
    if (option === ANY_SHAPE_OPTION) {
      anyShape = true;
      continue;
    }
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
        `${where}: unknown option "${option.split("=")[0]}" after the key; only proxy=<url>, label=<name> and ${ANY_SHAPE_OPTION} are allowed`,
      );
    }
    if (!PROXY_URL.test(proxy)) {
      throw new ConfigError(`${where}: proxy must be an http://, https:// or socks5:// URL`);
    }
    entry.proxy = proxy;
  }
  const problem = anyShape ? undefined : keyShapeProblem(key);
  if (problem !== undefined) throw new ConfigError(`${where}: not used as a key: ${problem}`);
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
  const environmentEntries = extraKeys.flatMap((item, index) => {
    const entry = parseKeyLine(item, `GEMINI_API_KEYS item ${index + 1}`);
    return entry ? [entry] : [];
  });
  return mergeKeyEntries(fileEntries, environmentEntries);
}
