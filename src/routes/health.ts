import { Router } from "express";
import type { Gateway } from "../gateway.js";

/** `GET /health`: never needs a token; `degraded` when no key is available right now. */
export function healthRoutes(gateway: Gateway): Router {
  const router = Router();
  router.get("/health", (_request, response) => {
    const counts = gateway.pool.counts();
    response.json({
      status: counts.available > 0 ? "healthy" : "degraded",
      timestamp: new Date().toISOString(),
      totalKeys: gateway.pool.size,
      availableKeys: counts.available,
    });
  });
  return router;
}
