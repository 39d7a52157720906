import { Router } from "express";
import { z } from "zod";
import { invalidRequest } from "../errors.js";
import type { KeyState } from "../keys/key-pool.js";
import type { Logger } from "../observability/logger.js";
import type { ActivityRecorder } from "../store/activity-recorder.js";
import type { StatusFilter } from "../store/request-log.js";
import { parseAdminInput as parse } from "./parse-admin-input.js";

export interface AdminActivityServices {
  activity: Pick<ActivityRecorder, "history" | "requests" | "onRequest">;
  /** The pool's counts and the console's view of some keys (for the live feed). */
  poolCounts: () => Record<KeyState, number> & { available: number };
  keyViews: (ids: readonly string[]) => Promise<unknown[]>;
  /** Subscribes to key changes (an id, or none when many changed); answers the unsubscribe. */
  onKeyChange: (listener: (keyId?: string) => void) => () => void;
  /** Subscribes to client token changes, here or on another replica (a name, or none when many changed). */
  onTokenChange: (listener: (name?: string) => void) => () => void;
  historyDays: number;
  sseKeepaliveMs: number;
  now: () => number;
  logger: Logger;
}

const DAY_MS = 24 * 3_600_000;
const isoTime = z.iso.datetime({
  offset: true,
  message: "must be an ISO 8601 time such as 2026-11-30T12:00:00Z",
});
const historyQuery = z.object({
  from: isoTime.optional(),
  to: isoTime.optional(),
  groupBy: z.enum(["hour", "day"]).default("hour"),
  by: z.enum(["none", "model", "key"]).default("none"),
  keyId: z.string().min(1).max(64).optional(),
  model: z.string().min(1).max(200).optional(),
});
const requestsQuery = z.object({
  from: isoTime.optional(),
  to: isoTime.optional(),
  status: z
    .string()
    .regex(/^(\d{3}|[1-5]xx)(,(\d{3}|[1-5]xx))*$/, "status is a code (429) or a class (4xx), comma-separated")
    .optional(),
  model: z.string().min(1).max(200).optional(),
  keyId: z.string().min(1).max(64).optional(),
  token: z.string().min(1).max(64).optional(),
  route: z.string().min(1).max(200).optional(),
  protocol: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.coerce.number().int().min(1).optional(),
});

/** A live pool or tokens event goes out at most this often, whatever the number of changes. */
const CHANGE_EVENT_INTERVAL_MS = 1_000;
/** Request events written per second at most on one feed; beyond it they are sampled. */
const MAX_REQUEST_EVENTS_PER_SECOND = 50;

function statusFilters(text: string | undefined): StatusFilter[] | undefined {
  return text?.split(",").map((part): StatusFilter => {
    if (part.endsWith("xx")) {
      const hundreds = Number(part[0]) * 100;
      return { from: hundreds, to: hundreds + 99 };
    }
    return { exact: Number(part) };
  });
}

/**
 * Gathers changes (of one thing each, or of many at once) and hands them on together, at most once per
 * CHANGE_EVENT_INTERVAL_MS: a burst of changes is one event, not a flood.
 */
function gatherChanges(flush: (changed: string[] | "many") => unknown) {
  const changed = new Set<string>();
  let many = false;
  let timer: NodeJS.Timeout | undefined;
  const send = () => {
    timer = undefined;
    const ids = many ? "many" : [...changed];
    changed.clear();
    many = false;
    void flush(ids);
  };
  return {
    add: (id?: string) => {
      if (id === undefined) many = true;
      else changed.add(id);
      timer ??= setTimeout(send, CHANGE_EVENT_INTERVAL_MS);
    },
    stop: () => clearTimeout(timer),
  };
}

/** The console's usage history, request log and live feed. */
export function adminActivityRoutes(services: AdminActivityServices): Router {
  const router = Router();

  router.get("/admin/history", async (request, response) => {
    const query = parse(historyQuery, request.query);
    const now = services.now();
    const to = query.to ? Date.parse(query.to) : now;
    const from = query.from ? Date.parse(query.from) : to - DAY_MS;
    if (from > to) throw invalidRequest("from must be before to", "from");
    const answer = await services.activity.history({
      from: Math.max(from, now - services.historyDays * DAY_MS - DAY_MS),
      to,
      groupBy: query.groupBy,
      by: query.by,
      ...(query.keyId ? { keyId: query.keyId } : {}),
      ...(query.model ? { model: query.model } : {}),
    });
    response.json({
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      groupBy: query.groupBy,
      by: query.by,
      truncated: answer.truncated,
      buckets: answer.buckets.map((bucket) => ({
        time: new Date(bucket.time).toISOString(),
        ...(bucket.model !== undefined ? { model: bucket.model } : {}),
        ...(bucket.keyId !== undefined ? { keyId: bucket.keyId } : {}),
        requests: bucket.counters.requests,
        promptTokens: bucket.counters.promptTokens,
        completionTokens: bucket.counters.completionTokens,
        reasoningTokens: bucket.counters.reasoningTokens,
        cachedTokens: bucket.counters.cachedTokens,
        failures: bucket.counters.failures,
      })),
      availability: answer.availability.map((bucket) => ({
        ...bucket,
        time: new Date(bucket.time).toISOString(),
      })),
    });
  });

  router.get("/admin/requests", async (request, response) => {
    const query = parse(requestsQuery, request.query);
    const statuses = statusFilters(query.status);
    const page = await services.activity.requests({
      limit: query.limit,
      ...(query.cursor !== undefined ? { before: query.cursor } : {}),
      ...(query.from ? { from: Date.parse(query.from) } : {}),
      ...(query.to ? { to: Date.parse(query.to) } : {}),
      ...(statuses ? { statuses } : {}),
      ...(query.model ? { model: query.model } : {}),
      ...(query.keyId ? { keyId: query.keyId } : {}),
      ...(query.token ? { clientToken: query.token } : {}),
      ...(query.route ? { route: query.route } : {}),
      ...(query.protocol ? { protocol: query.protocol } : {}),
    });
    response.json({
      rows: page.rows.map((row) => ({ ...row, time: new Date(row.time).toISOString() })),
      nextCursor: page.nextCursor === null ? null : String(page.nextCursor),
    });
  });

  router.get("/admin/events", (request, response) => {
    response.status(200);
    response.setHeader("content-type", "text/event-stream; charset=utf-8");
    response.setHeader("cache-control", "no-cache");
    response.setHeader("x-accel-buffering", "no");
    response.flushHeaders();
    const send = (event: string, data: unknown) => {
      if (!response.writableEnded) response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    send("pool", { counts: services.poolCounts() });

    // Key changes are gathered and sent at most once a second, as one event.
    const keyChanges = gatherChanges(async (ids) => {
      try {
        send("pool", {
          counts: services.poolCounts(),
          ...(ids === "many" ? { full: true } : {}),
          keys: ids === "many" ? [] : await services.keyViews(ids),
        });
      } catch (error) {
        services.logger.warn(
          { error: (error as Error).message },
          "live feed: could not describe changed keys",
        );
      }
    });
    const stopKeys = services.onKeyChange(keyChanges.add);
    // Token changes likewise; the event names the token (never its secret or hash), or none when many changed.
    const tokenChanges = gatherChanges((names) =>
      send("tokens", names !== "many" && names.length === 1 ? { name: names[0] } : {}),
    );
    const stopTokens = services.onTokenChange(tokenChanges.add);

    let secondStartedAt = 0;
    let sentThisSecond = 0;
    const stopRequests = services.activity.onRequest((row) => {
      const now = Date.now();
      if (now - secondStartedAt >= 1000) {
        secondStartedAt = now;
        sentThisSecond = 0;
      }
      if (sentThisSecond >= MAX_REQUEST_EVENTS_PER_SECOND) return;
      sentThisSecond += 1;
      send("request", { ...row, time: new Date(row.time).toISOString() });
    });
    const keepalive = setInterval(() => {
      if (!response.writableEnded) response.write(": ping\n\n");
    }, services.sseKeepaliveMs);
    request.once("close", () => {
      stopKeys();
      stopTokens();
      stopRequests();
      clearInterval(keepalive);
      keyChanges.stop();
      tokenChanges.stop();
    });
  });

  return router;
}
