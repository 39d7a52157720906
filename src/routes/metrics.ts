import { Router } from "express";
import type { Registry } from "prom-client";

/** `GET /metrics`: Prometheus text exposition; holds no secret. */
export function metricsRoutes(registry: Registry): Router {
  const router = Router();
  router.get("/metrics", async (_request, response) => {
    response.setHeader("content-type", registry.contentType);
    response.send(await registry.metrics());
  });
  return router;
}
