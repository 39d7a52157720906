import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../../src/config.js";
import { loadKeyEntries, parseKeysText } from "../../../src/keys/load-keys.js";

describe("parseKeysText", () => {
  test("ignores blank lines and comments, trims spaces, keeps proxies", () => {
    const text = [
      "# my keys",
      "",
      "  fake-key-alpha-0001  ",
      "\tfake-key-bravo-0002",
      "fake-key-charlie-0003 proxy=http://127.0.0.1:3128",
      "   # indented comment",
      "fake-key-delta-0004   # trailing comment",
    ].join("\r\n");
    expect(parseKeysText(text, "keys.txt")).toEqual([
      { key: "fake-key-alpha-0001" },
      { key: "fake-key-bravo-0002" },
      { key: "fake-key-charlie-0003", proxy: "http://127.0.0.1:3128" },
      { key: "fake-key-delta-0004" },
    ]);
  });

  test("refuses an unknown option with the line number", () => {
    expect(() => parseKeysText("fake-key-alpha-0001 weight=3", "keys.txt")).toThrow(
      /keys.txt line 1: unknown option "weight"/,
    );
  });

  test("takes HTTP(S) and SOCKS5 proxies, and refuses other URLs", () => {
    expect(parseKeysText("fake-key-alpha-0001 proxy=socks5://127.0.0.1:1080", "keys.txt")).toEqual([
      { key: "fake-key-alpha-0001", proxy: "socks5://127.0.0.1:1080" },
    ]);
    expect(() => parseKeysText("fake-key-alpha-0001 proxy=ftp://host:21", "keys.txt")).toThrow(ConfigError);
  });

  test("GEMINI_API_KEYS items follow the same rules, named by position", async () => {
    await expect(loadKeyEntries("/nonexistent/keys.txt", ["fake-key-echo-0005", "oops"])).rejects.toThrow(
      /GEMINI_API_KEYS item 2: not used as a key/,
    );
  });
});

describe("loadKeyEntries", () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "gr-keys-"));
  });

  test("merges the file with GEMINI_API_KEYS and counts duplicates once", async () => {
    const file = join(folder, "keys.txt");
    await writeFile(file, "fake-key-alpha-0001\nfake-key-bravo-0002\nfake-key-alpha-0001\n");
    const entries = await loadKeyEntries(file, ["fake-key-bravo-0002", "fake-key-echo-0005"]);
    expect(entries.map((entry) => entry.key)).toEqual([
      "fake-key-alpha-0001",
      "fake-key-bravo-0002",
      "fake-key-echo-0005",
    ]);
  });

  test("a missing file is fine when the environment has keys", async () => {
    const entries = await loadKeyEntries(join(folder, "absent.txt"), ["fake-key-echo-0005"]);
    expect(entries).toEqual([{ key: "fake-key-echo-0005" }]);
  });

  test("a missing file without other keys names KEYS_FILE and the fix", async () => {
    await expect(loadKeyEntries(join(folder, "absent.txt"), [])).rejects.toThrow(
      /KEYS_FILE .* does not exist: create it/,
    );
  });

  test("an unreadable file stops start-up", async () => {
    // Tests may run as root, who can read any file; a directory cannot be read as a file by anyone.
    await expect(loadKeyEntries(folder, ["fake-key-echo-0005"])).rejects.toThrow(
      /KEYS_FILE .* cannot be read \(EISDIR\)/,
    );
  });
});
