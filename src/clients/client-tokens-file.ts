import { readFile } from "node:fs/promises";
import { z } from "zod";
import {
  type ClientToken,
  expirySchema,
  limitsOf,
  limitsSchema,
  MAX_CLIENT_TOKENS,
  modelPatternsSchema,
  secretHashSchema,
  tokenNameSchema,
} from "./client-token.js";

const fileEntrySchema = z
  .object({
    name: tokenNameSchema,
    secretHash: secretHashSchema,
    models: modelPatternsSchema.optional(),
    limits: limitsSchema.optional(),
    expiresAt: expirySchema,
    enabled: z.boolean().optional(),
  })
  .strict();

const fileSchema = z.union([z.object({ tokens: z.array(z.unknown()) }).strict(), z.array(z.unknown())]);

/**
 * Reads `CLIENT_TOKENS_FILE`: JSON, `{"tokens": [entry, …]}` (or the bare list), each entry
 * `{name, secretHash, models?, limits?, expiresAt?, enabled?}`. The file holds only each secret's hash
 * (`npm run token:new -- <name>` mints a secret and prints its entry), so it can live in a repository
 * or a config map. Throws an `Error` naming the file's first mistake; nothing is half-loaded.
 */
export async function loadClientTokensFile(path: string, now: number): Promise<ClientToken[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new Error(`cannot read it (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  return parseClientTokensFile(text, now);
}

/** The tokens a file's text declares (see `loadClientTokensFile`). */
export function parseClientTokensFile(text: string, now: number): ClientToken[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`it is not JSON: ${(error as Error).message}`);
  }
  const file = fileSchema.safeParse(json);
  if (!file.success) throw new Error('it must be {"tokens": [{"name": …, "secretHash": …}, …]}');
  const entries = Array.isArray(file.data) ? file.data : file.data.tokens;
  if (entries.length > MAX_CLIENT_TOKENS)
    throw new Error(`it declares more than ${MAX_CLIENT_TOKENS} tokens`);
  const names = new Set<string>();
  const hashes = new Set<string>();
  return entries.map((raw, index) => {
    const parsed = fileEntrySchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `.${issue.path.join(".")}` : "";
      throw new Error(`tokens[${index}]${where}: ${issue?.message ?? "invalid"}`);
    }
    const entry = parsed.data;
    if (names.has(entry.name)) throw new Error(`tokens[${index}]: the name "${entry.name}" is used twice`);
    if (hashes.has(entry.secretHash)) throw new Error(`tokens[${index}]: the secretHash is used twice`);
    names.add(entry.name);
    hashes.add(entry.secretHash);
    return {
      name: entry.name,
      secretHash: entry.secretHash,
      models: entry.models ?? [],
      limits: limitsOf(entry.limits),
      ...(entry.expiresAt ? { expiresAt: Date.parse(entry.expiresAt) } : {}),
      enabled: entry.enabled ?? true,
      createdAt: now,
      source: "file",
    };
  });
}
