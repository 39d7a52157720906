import { withoutModelsPrefix } from "./model-id.js";

/**
 * `MODEL_ALIASES`: client model names → Gemini models, so agents that ask for their own vendor's models
 * (Claude Code's `claude-…-haiku`, Codex's `gpt-5-codex`) land on Gemini. Rules are tried in order and the
 * first match wins; `*` matches any run of characters, case-insensitively. A rule with a wildcard never
 * rewrites a name that already is a Gemini model id, so `*=gemini-2.5-pro` catches every foreign name
 * while `gemini-3-pro-preview` still reaches its own model; a rule without a wildcard (`gemini-pro=…`)
 * names exactly one model and always applies.
 */
export interface ModelAlias {
  /** The pattern as written, for messages. */
  readonly pattern: string;
  readonly target: string;
  readonly hasWildcard: boolean;
  readonly matcher: RegExp;
}

/** Names Google serves under `models/`: these pass unchanged through wildcard rules. */
const GEMINI_MODEL_ID = /^(?:models\/)?(?:gemini|gemma|learnlm|text-embedding|embedding|imagen|veo|aqa)-/i;

/** A pattern or a target: a model-like name, with `*` wildcards in patterns. */
const PATTERN = /^[\w.:/@*-]{1,200}$/;
const TARGET = /^[\w.:/@-]{1,200}$/;

/**
 * A model pattern as `MODEL_ALIASES` writes it (and client tokens' allowed models reuse): `*` matches
 * any run of characters, everything else itself, case-insensitively, over the whole name.
 */
export function modelPatternMatcher(pattern: string): RegExp {
  const source = pattern
    .split("*")
    .map((piece) => piece.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`, "i");
}

/** Whether `pattern` is a model pattern (a model-like name, with `*` wildcards). */
export function isModelPattern(pattern: string): boolean {
  return PATTERN.test(pattern);
}

/**
 * Parses `pattern=model,pattern=model`; throws an `Error` naming the bad entry (config.ts turns it into
 * the start-up line).
 */
export function parseModelAliases(text: string): ModelAlias[] {
  const aliases: ModelAlias[] = [];
  for (const rawEntry of text.split(/[,\n]/)) {
    const entry = rawEntry.trim();
    if (entry === "") continue;
    const separator = entry.indexOf("=");
    const pattern = entry.slice(0, separator).trim();
    const target = entry.slice(separator + 1).trim();
    if (separator <= 0 || !PATTERN.test(pattern) || !TARGET.test(target)) {
      throw new Error(
        `"${entry.slice(0, 80)}" is not pattern=model (e.g. claude-*haiku*=gemini-2.5-flash,claude-*=gemini-2.5-pro)`,
      );
    }
    aliases.push({
      pattern,
      target: withoutModelsPrefix(target),
      hasWildcard: pattern.includes("*"),
      matcher: modelPatternMatcher(pattern),
    });
  }
  return aliases;
}

/** The Gemini model for a client's model name: the first matching rule's target, else the name itself. */
export function resolveModelAlias(model: string, aliases: readonly ModelAlias[]): string {
  if (aliases.length === 0) return model;
  const isGeminiId = GEMINI_MODEL_ID.test(model);
  for (const alias of aliases) {
    if (alias.hasWildcard && isGeminiId) continue;
    if (alias.matcher.test(model)) return alias.target;
  }
  return model;
}
