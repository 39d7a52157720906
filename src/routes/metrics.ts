import { Router } from "express";
import type { Gateway } from "../gateway.js";

/** `GET /metrics`: Prometheus text exposition; holds no secret. */
export function metricsRoutes(gateway: Gateway): Router {
  const router = Router();
  router.get("/metrics", async (_request, response) => {
    const registry = gateway.metrics.registry;
    response.setHeader("content-type", registry.contentType);
    response.send(await registry.metrics());
  });
  return router;
}
