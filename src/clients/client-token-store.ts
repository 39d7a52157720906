import { z } from "zod";
import type { ClientToken } from "./client-token.js";

/**
 * Where tokens created through `/admin` are kept: the embedded database, or Redis when replicas share
 * them. Tokens from `CLIENT_TOKENS_FILE` are never stored: the file is their home.
 */
export interface ClientTokenStore {
  load(): Promise<ClientToken[]>;
  save(token: ClientToken): Promise<void>;
  remove(name: string): Promise<void>;
  /** Calls `changed` whenever another replica changed a token (never, for a store of one process). */
  watch(changed: () => void): Promise<void>;
  close(): Promise<void>;
}

const storedTokenSchema = z.object({
  name: z.string(),
  secretHash: z.string(),
  models: z.array(z.string()).default([]),
  limits: z
    .object({
      requestsPerMinute: z.number().optional(),
      requestsPerDay: z.number().optional(),
      tokensPerDay: z.number().optional(),
    })
    .default({}),
  expiresAt: z.number().optional(),
  enabled: z.boolean().default(true),
  revokedAt: z.number().optional(),
  createdAt: z.number(),
});

/** One token as JSON, for a database row or a Redis hash field. */
export function serializeToken(token: ClientToken): string {
  const { source: _source, ...stored } = token;
  return JSON.stringify(stored);
}

/** A stored token back, or undefined when the text is not one (it is then skipped). */
export function parseStoredToken(text: string): ClientToken | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = storedTokenSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const { expiresAt, revokedAt, ...rest } = parsed.data;
  return {
    ...rest,
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(revokedAt !== undefined ? { revokedAt } : {}),
    source: "admin",
  };
}
