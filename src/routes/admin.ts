import { Router } from "express";
import { z } from "zod";
import { ConfigError } from "../config.js";
import { GatewayError, invalidRequest } from "../errors.js";
import type { KeyManager } from "../keys/key-manager.js";
import type { KeyPool } from "../keys/key-pool.js";
import { type KeyEntry, parseKeyLine } from "../keys/load-keys.js";
import type { Logger } from "../observability/logger.js";

const addKeySchema = z.object({
  key: z.string().trim().min(1, "key must be a non-empty string"),
  proxy: z
    .string()
    .regex(/^(https?|socks5?):\/\/\S+$/, "proxy must be an http://, https:// or socks5:// URL")
    .optional(),
});

function parseAddedKey(text: string): KeyEntry {
  let entry: KeyEntry | undefined;
  try {
    entry = parseKeyLine(text, "key");
  } catch (error) {
    if (error instanceof ConfigError) throw invalidRequest(error.message, "key", "invalid_key");
    throw error;
  }
  if (!entry) throw invalidRequest("key must be a key, not a comment", "key", "invalid_key");
  return entry;
}

function keyNotFound(id: string): GatewayError {
  return new GatewayError({
    status: 404,
    code: "key_not_found",
    message: `No key with id ${id}; see /status for ids.`,
  });
}

/** `/admin/*`: reset, reload, add, remove, enable and disable keys. */
export function adminRoutes(services: {
  pool: Pick<KeyPool, "reset" | "size" | "enable" | "disable">;
  keys: Pick<KeyManager, "reload" | "addKey" | "removeKey">;
  logger: Logger;
}): Router {
  const { pool, keys, logger } = services;
  const router = Router();

  router.post("/admin/reset-keys", (_request, response) => {
    pool.reset();
    logger.info("admin: every key reset to active");
    response.json({ message: "All keys reset to active", totalKeys: pool.size });
  });

  router.post("/admin/reload-keys", async (_request, response) => {
    try {
      const result = await keys.reload();
      logger.info(result, "admin: keys reloaded");
      response.json(result);
    } catch (error) {
      if (error instanceof ConfigError) {
        logger.warn({ error: error.message }, "admin: keys not reloaded; keeping the current keys");
        throw new GatewayError({ status: 400, code: "keys_file_error", message: error.message });
      }
      throw error;
    }
  });

  router.post("/admin/keys", (request, response) => {
    const parsed = addKeySchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw invalidRequest(issue?.message ?? "invalid body", String(issue?.path[0] ?? "key"));
    }
    // The same rules as a keys-file line (shape, allow-any-shape), so a pasted line with spaces, a
    // comment or junk is refused clearly.
    const entry = parseAddedKey(parsed.data.key);
    const proxy = parsed.data.proxy ?? entry.proxy;
    const result = keys.addKey({ key: entry.key, ...(proxy ? { proxy } : {}) });
    logger.info({ keyId: result.id }, "admin: key added");
    response.status(result.added ? 201 : 200).json({ ...result, totalKeys: pool.size });
  });

  router.delete("/admin/keys/:id", (request, response) => {
    const id = request.params.id ?? "";
    if (!keys.removeKey(id)) throw keyNotFound(id);
    logger.info({ keyId: id }, "admin: key removed");
    response.json({ id, removed: true, totalKeys: pool.size });
  });

  router.post("/admin/keys/:id/enable", (request, response) => {
    const id = request.params.id ?? "";
    if (!pool.enable(id)) throw keyNotFound(id);
    response.json({ id, state: "active" });
  });

  router.post("/admin/keys/:id/disable", (request, response) => {
    const id = request.params.id ?? "";
    if (!pool.disable(id)) throw keyNotFound(id);
    response.json({ id, state: "disabled" });
  });

  return router;
}
