import { Router } from "express";
import type { Gateway } from "../gateway.js";

/** `GET /status`: every key, masked, with its state explained. */
export function statusRoutes(gateway: Gateway): Router {
  const router = Router();
  router.get("/status", (_request, response) => {
    const counts = gateway.pool.counts();
    response.json({
      timestamp: new Date().toISOString(),
      totalKeys: gateway.pool.size,
      availableKeys: counts.available,
      states: { active: counts.active, cooling: counts.cooling, disabled: counts.disabled },
      keys: gateway.pool.status(),
    });
  });
  return router;
}
