import { Router } from "express";
import type { KeyPool } from "../keys/key-pool.js";

/** `GET /status`: every key, masked, with its state explained. */
export function statusRoutes(pool: Pick<KeyPool, "counts" | "size" | "status">): Router {
  const router = Router();
  router.get("/status", (_request, response) => {
    const counts = pool.counts();
    response.json({
      timestamp: new Date().toISOString(),
      totalKeys: pool.size,
      availableKeys: counts.available,
      states: { active: counts.active, cooling: counts.cooling, disabled: counts.disabled },
      keys: pool.status(),
    });
  });
  return router;
}
