import { z } from "zod";
import type { KeyMemory } from "../keys/key-pool.js";
import type { KeyEntry } from "../keys/load-keys.js";

/**
 * The persisted state, in one place: what the state file holds and what Redis shares, read back
 * through the same schemas (a file or a field that does not fit is set aside, never trusted).
 */

/** Keys added and removed at runtime, as the key manager keeps them. */
export interface KeySet {
  addedKeys: KeyEntry[];
  removedKeyIds: string[];
  /** Labels set at runtime, by key id (null: the key's own label removed). */
  labels?: Record<string, string | null>;
}

/** What is kept of one key; the compiler checks it against the pool's own `KeyMemory`. */
export const keyMemorySchema = z.object({
  failureCount: z.number().int().nonnegative(),
  disabled: z
    .object({
      kind: z.enum(["invalid", "failures", "admin"]),
      reason: z.string(),
      since: z.number(),
      probeAt: z.number().optional(),
      failedProbes: z.number().optional(),
    })
    .optional(),
  cooldowns: z.record(
    z.string(),
    z.object({ until: z.number(), reason: z.string(), kind: z.enum(["rate_limited", "quota_exhausted"]) }),
  ),
  unspecifiedRateLimits: z.record(z.string(), z.number()).default({}),
  lastUsed: z.number().optional(),
  lastError: z.string().optional(),
  usage: z.object({
    day: z.string(),
    requests: z.number(),
    promptTokens: z.number(),
    completionTokens: z.number(),
  }),
}) satisfies z.ZodType<KeyMemory>;

/** Keys added and removed at runtime, which stay so across restarts and reloads. */
export const keySetSchema = z.object({
  addedKeys: z
    .array(z.object({ key: z.string().min(1), proxy: z.string().optional(), label: z.string().optional() }))
    .default([]),
  removedKeyIds: z.array(z.string()).default([]),
  labels: z.record(z.string(), z.string().nullable()).default({}),
}) satisfies z.ZodType<KeySet>;

/** The state file, and what a shared store loads: one schema for every store. */
export const persistedStateSchema = z.object({
  version: z.literal(1),
  keys: z.record(z.string(), keyMemorySchema),
  ...keySetSchema.shape,
  thoughtSignatures: z.record(z.string(), z.string()).default({}),
});

export type PersistedState = z.infer<typeof persistedStateSchema>;
