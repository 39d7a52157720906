import { ConfigError, loadConfig } from "../../../src/config.js";
import { parseModelAliases, resolveModelAlias } from "../../../src/gemini/model-aliases.js";

const claudeCode = parseModelAliases("claude-*haiku*=gemini-2.5-flash,claude-*=gemini-2.5-pro");

describe("MODEL_ALIASES", () => {
  test.each([
    ["claude-haiku-4-5-20251001", "gemini-2.5-flash"],
    ["claude-3-5-haiku-latest", "gemini-2.5-flash"],
    ["claude-sonnet-4-5", "gemini-2.5-pro"],
    ["CLAUDE-OPUS-4-1", "gemini-2.5-pro"],
    ["gpt-5-codex", "gpt-5-codex"],
    ["gemini-3-pro-preview", "gemini-3-pro-preview"],
  ])("the first matching rule wins: %s → %s", (model, target) => {
    expect(resolveModelAlias(model, claudeCode)).toBe(target);
  });

  test("a catch-all wildcard leaves Gemini ids alone; an exact rule still renames one", () => {
    const aliases = parseModelAliases("gemini-pro=gemini-2.5-pro, *=gemini-2.5-flash");
    expect(resolveModelAlias("gpt-4o", aliases)).toBe("gemini-2.5-flash");
    expect(resolveModelAlias("gemini-3-flash-preview", aliases)).toBe("gemini-3-flash-preview");
    expect(resolveModelAlias("models/gemini-2.5-pro", aliases)).toBe("models/gemini-2.5-pro");
    expect(resolveModelAlias("gemini-pro", aliases)).toBe("gemini-2.5-pro");
  });

  test("pattern characters other than * are literal", () => {
    const aliases = parseModelAliases("gpt-4.1=gemini-2.5-flash");
    expect(resolveModelAlias("gpt-4.1", aliases)).toBe("gemini-2.5-flash");
    expect(resolveModelAlias("gpt-421", aliases)).toBe("gpt-421");
  });

  test("a target's models/ prefix is dropped; blank entries are skipped", () => {
    expect(parseModelAliases(" a=models/gemini-2.5-pro ,, ")).toMatchObject([
      { pattern: "a", target: "gemini-2.5-pro" },
    ]);
  });

  test("the setting is read at start-up; a malformed entry stops it with one line naming the variable", () => {
    expect(loadConfig({ MODEL_ALIASES: "claude-*=gemini-2.5-pro" }).modelAliases).toHaveLength(1);
    expect(loadConfig({}).modelAliases).toEqual([]);
    expect(() => loadConfig({ MODEL_ALIASES: "claude-sonnet" })).toThrow(ConfigError);
    expect(() => loadConfig({ MODEL_ALIASES: "=gemini-2.5-pro" })).toThrow(
      /MODEL_ALIASES: "=gemini-2.5-pro"/,
    );
    expect(() => loadConfig({ MODEL_ALIASES: "a=b c" })).toThrow(/MODEL_ALIASES/);
  });
});
