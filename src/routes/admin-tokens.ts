import { Router } from "express";
import { z } from "zod";
import type { ClientAccounting } from "../clients/client-accounting.js";
import {
  type ClientToken,
  expirySchema,
  LIMIT_KINDS,
  limitsOf,
  limitsSchema,
  modelPatternsSchema,
  refusalOf,
  tokenNameSchema,
} from "../clients/client-token.js";
import type { ClientTokenSettings, ClientTokens } from "../clients/client-tokens.js";
import {
  addClientCounters,
  type ClientCounters,
  emptyClientCounters,
} from "../clients/client-usage-store.js";
import { GatewayError, invalidRequest } from "../errors.js";
import { pacificDay } from "../keys/pacific-time.js";
import { parseAdminInput } from "./parse-admin-input.js";

const settingsFields = {
  models: modelPatternsSchema.optional(),
  limits: limitsSchema.optional(),
  expiresAt: expirySchema,
  enabled: z.boolean().optional(),
};
const createSchema = z.object({ name: tokenNameSchema, ...settingsFields }).strict();
const updateSchema = z.object(settingsFields).strict();
const PACIFIC_DAY = /^\d{4}-\d{2}-\d{2}$/;
const usageQuery = z.object({
  from: z.string().regex(PACIFIC_DAY, "from is a day such as 2026-01-31").optional(),
  to: z.string().regex(PACIFIC_DAY, "to is a day such as 2026-01-31").optional(),
  token: tokenNameSchema.optional(),
});
const DAY_MS = 86_400_000;

function settingsOf(input: z.infer<typeof updateSchema>): ClientTokenSettings {
  return {
    ...(input.models !== undefined ? { models: input.models } : {}),
    ...(input.limits !== undefined ? { limits: limitsOf(input.limits) } : {}),
    ...(input.expiresAt !== undefined
      ? { expiresAt: input.expiresAt === null ? null : Date.parse(input.expiresAt) }
      : {}),
    ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
  };
}

function countersView(counters: ClientCounters) {
  return { ...counters, totalTokens: counters.promptTokens + counters.completionTokens };
}

/** A token as the admin API shows it: never its secret, nor its hash. */
function tokenView(token: ClientToken, now: number, today: ClientCounters | undefined) {
  const iso = (time: number | undefined) => (time === undefined ? null : new Date(time).toISOString());
  return {
    name: token.name,
    source: token.source,
    state: refusalOf(token, now) ?? "active",
    enabled: token.enabled,
    models: token.models,
    limits: Object.fromEntries(LIMIT_KINDS.map((kind) => [kind, token.limits[kind] ?? null])),
    expiresAt: iso(token.expiresAt),
    revokedAt: iso(token.revokedAt),
    createdAt: iso(token.createdAt),
    today: countersView(today ?? emptyClientCounters()),
  };
}

/**
 * `/admin/tokens`: named client tokens (create, list with today's usage, change limits, revoke, delete)
 * and their usage per Pacific day and model.
 */
export function adminTokensRoutes(services: {
  tokens: ClientTokens;
  usage: Pick<ClientAccounting, "usage">;
  now: () => number;
}): Router {
  const { tokens, now } = services;
  const router = Router();

  /** Today's counters (since midnight Pacific, the quota day) of every token, summed over models. */
  const today = async (token?: string): Promise<Map<string, ClientCounters>> => {
    const day = pacificDay(now());
    const entries = await services.usage.usage({ fromDay: day, toDay: day, ...(token ? { token } : {}) });
    const totals = new Map<string, ClientCounters>();
    for (const entry of entries) {
      const counters = totals.get(entry.token) ?? emptyClientCounters();
      addClientCounters(counters, entry.counters);
      totals.set(entry.token, counters);
    }
    return totals;
  };
  const nameOf = (value: unknown) => parseAdminInput(tokenNameSchema, value);

  router.get("/admin/tokens", async (_request, response) => {
    const usage = await today();
    response.json({ tokens: tokens.list().map((token) => tokenView(token, now(), usage.get(token.name))) });
  });

  router.post("/admin/tokens", async (request, response) => {
    const input = parseAdminInput(createSchema, request.body);
    const { token, secret } = await tokens.create(input.name, settingsOf(input));
    response.status(201).json({
      token: tokenView(token, now(), undefined),
      secret,
      note: "The secret is shown this once; the gateway keeps only its hash.",
    });
  });

  router.get("/admin/tokens/usage", async (request, response) => {
    const query = parseAdminInput(usageQuery, request.query);
    const to = query.to ?? pacificDay(now());
    const from = query.from ?? pacificDay(Date.parse(`${to}T12:00:00Z`) - 6 * DAY_MS);
    if (from > to) throw invalidRequest("from must not be after to", "from");
    const entries = await services.usage.usage({
      fromDay: from,
      toDay: to,
      ...(query.token ? { token: query.token } : {}),
    });
    const totals = new Map<string, ClientCounters>();
    for (const entry of entries) {
      const counters = totals.get(entry.token) ?? emptyClientCounters();
      addClientCounters(counters, entry.counters);
      totals.set(entry.token, counters);
    }
    response.json({
      from,
      to,
      rows: entries.map((entry) => ({
        day: entry.day,
        token: entry.token,
        model: entry.model,
        ...countersView(entry.counters),
      })),
      totals: [...totals].map(([token, counters]) => ({ token, ...countersView(counters) })),
    });
  });

  router.get("/admin/tokens/:name", async (request, response) => {
    const name = nameOf(request.params.name);
    const token = tokens.get(name);
    if (!token) throw tokenNotFound(name);
    response.json(tokenView(token, now(), (await today(name)).get(name)));
  });

  router.patch("/admin/tokens/:name", async (request, response) => {
    const name = nameOf(request.params.name);
    const token = await tokens.update(name, settingsOf(parseAdminInput(updateSchema, request.body)));
    response.json(tokenView(token, now(), (await today(name)).get(name)));
  });

  router.post("/admin/tokens/:name/revoke", async (request, response) => {
    const name = nameOf(request.params.name);
    const token = await tokens.revoke(name);
    response.json(tokenView(token, now(), (await today(name)).get(name)));
  });

  router.delete("/admin/tokens/:name", async (request, response) => {
    await tokens.remove(nameOf(request.params.name));
    response.status(204).end();
  });

  return router;
}

function tokenNotFound(name: string): GatewayError {
  return new GatewayError({
    status: 404,
    code: "token_not_found",
    message: `No client token named "${name}".`,
  });
}
