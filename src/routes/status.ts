import { type Request, Router } from "express";
import { invalidRequest } from "../errors.js";
import type { KeyPool, KeyState } from "../keys/key-pool.js";

type StatusPool = Pick<
  KeyPool,
  "counts" | "size" | "status" | "statusPage" | "stateVersion" | "clock" | "nextRestEnd"
>;

/** The whole list is rendered at most this often while no key changes state (pollers cost nothing). */
const MAX_AGE_MS = 1_000;
const MAX_LIMIT = 1_000;
const STATES: readonly KeyState[] = ["active", "cooling", "disabled"];
/** Key ids are `key-` and ten hex digits (src/keys/key-identity.ts). */
const KEY_ID = /^key-[0-9a-f]{10}$/;

interface PageQuery {
  state?: KeyState;
  after?: string;
  limit: number;
}

/**
 * `GET /status`: every key, masked, with its state explained. Without parameters, the whole list (as
 * the contract says), rendered once and served again until a key changes state, a rest ends, or a
 * second has passed (counters of successes may be that old). `?state=`, `?limit=` and `?cursor=` give a
 * page of keys in id order, with `nextCursor` when more follow.
 */
export function statusRoutes(pool: StatusPool): Router {
  const router = Router();
  /** The whole list as bytes, so serving it again costs only the write. */
  let cached: { body: Buffer; version: number; validUntil: number } | undefined;

  const summary = () => {
    const counts = pool.counts();
    return {
      timestamp: new Date(pool.clock()).toISOString(),
      totalKeys: pool.size,
      availableKeys: counts.available,
      states: { active: counts.active, cooling: counts.cooling, disabled: counts.disabled },
    };
  };

  router.get("/status", (request, response) => {
    const page = pageQuery(request);
    if (page === undefined) {
      const now = pool.clock();
      const version = pool.stateVersion;
      if (!cached || cached.version !== version || now >= cached.validUntil) {
        cached = {
          body: Buffer.from(JSON.stringify({ ...summary(), keys: pool.status() })),
          version,
          validUntil: Math.min(now + MAX_AGE_MS, pool.nextRestEnd()),
        };
      }
      response.type("application/json").send(cached.body);
      return;
    }
    const { keys, more } = pool.statusPage(page);
    const last = keys.at(-1);
    response.json({
      ...summary(),
      keys,
      ...(more && last ? { nextCursor: Buffer.from(last.id).toString("base64url") } : {}),
    });
  });
  return router;
}

/** The page asked for, or undefined for the whole list; a bad value is a 400. */
function pageQuery(request: Request): PageQuery | undefined {
  const { state, limit, cursor } = request.query;
  if (state === undefined && limit === undefined && cursor === undefined) return undefined;
  const page: PageQuery = { limit: Number.MAX_SAFE_INTEGER };
  if (state !== undefined) {
    if (typeof state !== "string" || !STATES.includes(state as KeyState)) {
      throw invalidRequest(`state must be one of ${STATES.join(", ")}`, "state");
    }
    page.state = state as KeyState;
  }
  if (limit !== undefined) {
    const value = typeof limit === "string" && /^\d{1,7}$/.test(limit) ? Number(limit) : Number.NaN;
    if (!(value >= 1 && value <= MAX_LIMIT)) {
      throw invalidRequest(`limit must be a whole number from 1 to ${MAX_LIMIT}`, "limit");
    }
    page.limit = value;
  }
  if (cursor !== undefined) {
    const after = typeof cursor === "string" ? Buffer.from(cursor, "base64url").toString("latin1") : "";
    if (!KEY_ID.test(after)) {
      throw invalidRequest("cursor is not one this gateway gave: pass nextCursor unchanged", "cursor");
    }
    page.after = after;
  }
  return page;
}
