import { Router } from "express";
import type { KeyPool } from "../keys/key-pool.js";

/** `GET /health`: never needs a token; `degraded` when no key is available right now. */
export function healthRoutes(pool: Pick<KeyPool, "counts" | "size">): Router {
  const router = Router();
  router.get("/health", (_request, response) => {
    const counts = pool.counts();
    response.json({
      status: counts.available > 0 ? "healthy" : "degraded",
      timestamp: new Date().toISOString(),
      totalKeys: pool.size,
      availableKeys: counts.available,
    });
  });
  return router;
}
