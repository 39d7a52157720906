import { Router } from "express";
import type { AlertNotifier } from "../alerts/alert-notifier.js";
import { GatewayError } from "../errors.js";

/** `/admin/alerts`: where alerts go (format and host only), and a test message to every target. */
export function adminAlertsRoutes(alerts: Pick<AlertNotifier, "targets" | "test">): Router {
  const router = Router();

  router.get("/admin/alerts", (_request, response) => {
    response.json({
      targets: alerts.targets.map((target) => ({ target: target.label, format: target.format })),
    });
  });

  router.post("/admin/alerts/test", async (_request, response) => {
    if (alerts.targets.length === 0) {
      throw new GatewayError({
        status: 409,
        code: "no_alert_targets",
        message: "No alert target: set ALERT_WEBHOOK_URL (see the README's Alerts section).",
      });
    }
    const deliveries = await alerts.test();
    response.json({ delivered: deliveries.filter((delivery) => delivery.ok).length, targets: deliveries });
  });

  return router;
}
