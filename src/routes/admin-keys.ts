import { Router } from "express";
import { z } from "zod";
import { GatewayError, invalidRequest } from "../errors.js";
import { type CheckProgress, type CheckTarget, checkKeys, type ProbeKey } from "../keys/check-keys.js";
import { keyIdOf } from "../keys/key-identity.js";
import { labelProblem } from "../keys/key-labels.js";
import type { KeyManager } from "../keys/key-manager.js";
import type { KeyPool, KeyStatus } from "../keys/key-pool.js";
import { MAX_IMPORT_LINES, parseKeyImport } from "../keys/parse-key-import.js";
import type { Logger } from "../observability/logger.js";
import type { ActivityRecorder } from "../store/activity-recorder.js";
import { totalFailures, type UsageCounters } from "../store/usage-counters.js";
import { parseAdminInput as parse } from "./parse-admin-input.js";

export interface AdminKeysServices {
  pool: Pick<KeyPool, "status" | "statusOfIds" | "counts" | "size" | "has" | "enable" | "disable">;
  keys: Pick<KeyManager, "labels" | "addKeys" | "removeKey" | "setLabel">;
  activity: Pick<ActivityRecorder, "today">;
  probeKey: ProbeKey;
  logger: Logger;
  sseKeepaliveMs: number;
}

/** A key as the console shows it: `/status`'s key, its label, and what it did today (Pacific day). */
export interface KeyView extends KeyStatus {
  label: string | null;
  today: {
    requests: number;
    promptTokens: number;
    completionTokens: number;
    reasoningTokens: number;
    cachedTokens: number;
    failures: number;
  };
}

const SORTS = ["id", "state", "requests", "tokens", "lastUsed"] as const;
const label = z.string().refine((value) => labelProblem(value) === undefined, {
  message: "a label is 1 to 64 letters, digits, '.', '_' or '-' (no spaces)",
});
const keyId = z.string().min(1).max(64);

const listQuery = z.object({
  state: z.enum(["active", "cooling", "disabled"]).optional(),
  label: z.string().max(64).optional(),
  q: z.string().max(200).optional(),
  model: z.string().max(200).optional(),
  sort: z.enum(SORTS).default("id"),
  order: z.enum(["asc", "desc"]).default("asc"),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.coerce.number().int().min(0).optional(),
});
const importBody = z.object({ text: z.string().max(2_000_000) });
const patchBody = z.object({ label: label.nullable() });
const bulkBody = z
  .object({
    action: z.enum(["enable", "disable", "remove", "reset"]),
    ids: z.array(keyId).max(100_000).optional(),
    label: label.optional(),
  })
  .refine((body) => body.ids !== undefined || body.label !== undefined, {
    message: "name the keys: ids, a label, or both",
  });
const checkBody = z.object({
  ids: z.array(keyId).max(100_000).optional(),
  label: label.optional(),
  model: z
    .string()
    .regex(
      /^(models\/)?[a-z0-9][a-z0-9.-]{0,79}$/,
      "model must be a Gemini model id such as gemini-2.5-flash",
    )
    .optional(),
});

const STATE_ORDER = { active: 0, cooling: 1, disabled: 2 } as const;

function compareBy(sort: (typeof SORTS)[number]): (first: KeyView, second: KeyView) => number {
  switch (sort) {
    case "id":
      return (first, second) => first.id.localeCompare(second.id);
    case "state":
      return (first, second) => STATE_ORDER[first.state] - STATE_ORDER[second.state];
    case "requests":
      return (first, second) => first.today.requests - second.today.requests;
    case "tokens":
      return (first, second) =>
        first.today.promptTokens +
        first.today.completionTokens -
        (second.today.promptTokens + second.today.completionTokens);
    case "lastUsed":
      return (first, second) => (first.lastUsed ?? "").localeCompare(second.lastUsed ?? "");
    default: {
      const unexpected: never = sort;
      throw new Error(`unknown sort ${String(unexpected)}`);
    }
  }
}

/**
 * The console's key routes: the pool filtered, sorted and paged server-side (cheap at 5,000 keys), a
 * pasted import, labels, actions on many keys at once, and key checks with live progress.
 */
export function adminKeysRoutes(services: AdminKeysServices): {
  router: Router;
  /** The console's view of some keys, for the live feed. */
  viewsOf: (ids: readonly string[]) => Promise<KeyView[]>;
} {
  const { pool, keys, logger } = services;
  const router = Router();

  const viewOf = (status: KeyStatus, today: Map<string, UsageCounters>): KeyView => {
    const counters = today.get(status.id);
    return {
      ...status,
      label: keys.labels.labelOf(status.id),
      today: {
        requests: counters?.requests ?? 0,
        promptTokens: counters?.promptTokens ?? 0,
        completionTokens: counters?.completionTokens ?? 0,
        reasoningTokens: counters?.reasoningTokens ?? 0,
        cachedTokens: counters?.cachedTokens ?? 0,
        failures: counters ? totalFailures(counters) : 0,
      },
    };
  };
  const views = async () => {
    const today = await services.activity.today();
    return pool.status().map((status) => viewOf(status, today));
  };
  /** The ids named by a list, a label, or both (the keys in the list that have the label). */
  const selectIds = (ids: readonly string[] | undefined, wanted: string | undefined) => {
    const known = pool.status().map((status) => status.id);
    return known.filter(
      (id) =>
        (ids === undefined || ids.includes(id)) &&
        (wanted === undefined || keys.labels.labelOf(id) === wanted),
    );
  };

  router.get("/admin/keys", async (request, response) => {
    const query = parse(listQuery, request.query);
    const all = await views();
    const search = query.q?.toLowerCase();
    const matching = all.filter(
      (key) =>
        (query.state === undefined || key.state === query.state) &&
        (query.label === undefined || key.label === query.label) &&
        (query.model === undefined ||
          key.cooldowns.some((cooldown) => cooldown.model === query.model || cooldown.model === "*")) &&
        (search === undefined ||
          [key.id, key.key, key.label ?? "", key.lastError ?? "", key.stateReason].some((text) =>
            text.toLowerCase().includes(search),
          )),
    );
    const compare = compareBy(query.sort);
    matching.sort((first, second) => {
      const order = compare(first, second) || first.id.localeCompare(second.id);
      return query.order === "asc" ? order : -order;
    });
    const start = query.cursor ?? 0;
    const page = matching.slice(start, start + query.limit);
    response.json({
      total: matching.length,
      counts: pool.counts(),
      labels: keys.labels.all(all.map((key) => key.id)),
      keys: page,
      nextCursor: start + query.limit < matching.length ? String(start + query.limit) : null,
    });
  });

  router.post("/admin/keys/import", (request, response) => {
    const { text } = parse(importBody, request.body);
    if (text.split(/\r?\n/).length > MAX_IMPORT_LINES) {
      throw invalidRequest(`an import holds at most ${MAX_IMPORT_LINES} lines; split it`, "text");
    }
    const parsed = parseKeyImport(text);
    const fresh = parsed.entries.filter(({ entry }) => !pool.has(keyIdOf(entry.key)));
    const presentEntries = parsed.entries.filter(({ entry }) => pool.has(keyIdOf(entry.key)));
    const added = fresh.length > 0 ? keys.addKeys(fresh.map(({ entry }) => entry)) : [];
    const masked = new Map(pool.status().map((status) => [status.id, status.key]));
    logger.info({ added: added.length, present: presentEntries.length }, "admin: keys imported");
    response.json({
      added: added.map((result) => ({
        id: result.id,
        key: result.key,
        label: keys.labels.labelOf(result.id),
      })),
      present: presentEntries.map(({ entry }) => {
        const id = keyIdOf(entry.key);
        return { id, key: masked.get(id) ?? "", label: keys.labels.labelOf(id) };
      }),
      malformed: parsed.malformed,
    });
  });

  router.patch("/admin/keys/:id", async (request, response) => {
    const id = request.params.id ?? "";
    const body = parse(patchBody, request.body);
    if (!keys.setLabel(id, body.label)) throw keyNotFound(id);
    const today = await services.activity.today();
    const status = pool.status().find((key) => key.id === id);
    if (!status) throw keyNotFound(id);
    response.json(viewOf(status, today));
  });

  router.post("/admin/keys/bulk", (request, response) => {
    const body = parse(bulkBody, request.body);
    const ids = selectIds(body.ids, body.label);
    let affected = 0;
    for (const id of ids) {
      switch (body.action) {
        case "enable":
        case "reset":
          if (pool.enable(id)) affected += 1;
          break;
        case "disable":
          if (pool.disable(id)) affected += 1;
          break;
        case "remove":
          if (keys.removeKey(id)) affected += 1;
          break;
        default: {
          const unexpected: never = body.action;
          throw new Error(`unknown action ${String(unexpected)}`);
        }
      }
    }
    logger.info({ action: body.action, affected }, "admin: keys changed in bulk");
    response.json({ affected });
  });

  router.post("/admin/keys/check", async (request, response) => {
    const body = parse(checkBody, request.body);
    const model = body.model?.replace(/^models\//, "");
    const statuses = new Map(pool.status().map((status) => [status.id, status]));
    const targets: CheckTarget[] = selectIds(body.ids, body.label).map((id) => ({
      id,
      key: statuses.get(id)?.key ?? "",
      label: keys.labels.labelOf(id),
    }));
    const unknown = (body.ids ?? []).filter((id) => !statuses.has(id));
    if (unknown.length > 0) throw keyNotFound(unknown[0] ?? "");
    const stop = new AbortController();
    response.once("close", () => stop.abort());
    const accept = String(request.headers.accept ?? "");
    const streaming = accept.includes("text/event-stream") || !accept.includes("application/json");
    if (!streaming) {
      const outcome = await checkKeys(targets, model, services.probeKey, { signal: stop.signal });
      response.json({ results: outcome.results, counts: outcome.counts });
      return;
    }
    response.status(200);
    response.setHeader("content-type", "text/event-stream; charset=utf-8");
    response.setHeader("cache-control", "no-cache");
    response.setHeader("x-accel-buffering", "no");
    response.flushHeaders();
    const keepalive = setInterval(() => response.write(": ping\n\n"), services.sseKeepaliveMs);
    try {
      const outcome = await checkKeys(targets, model, services.probeKey, {
        signal: stop.signal,
        onProgress: (progress: CheckProgress) => {
          response.write(`event: progress\ndata: ${JSON.stringify(progress)}\n\n`);
        },
      });
      response.write(
        `event: done\ndata: ${JSON.stringify({ total: targets.length, counts: outcome.counts })}\n\n`,
      );
    } finally {
      clearInterval(keepalive);
      response.end();
    }
    logger.info({ keys: targets.length, model: model ?? null }, "admin: keys checked");
  });

  return {
    router,
    viewsOf: async (ids) => {
      const today = await services.activity.today();
      return pool.statusOfIds(ids).map((status) => viewOf(status, today));
    },
  };
}

function keyNotFound(id: string): GatewayError {
  return new GatewayError({
    status: 404,
    code: "key_not_found",
    message: `No key with id ${id}; see GET /admin/keys for ids.`,
  });
}
