/**
 * The HTTP server: reads each request, records it, checks the key, and hands it to its route. It never
 * crashes on bad input, and `close()` destroys every connection (keep-alive and hung ones included).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { checkAuthentication, readPresentedKey } from "./auth.js";
import { DEFAULT_MODELS, ModelCatalog } from "./catalog.js";
import { FakeHttpError, geminiErrors } from "./errors.js";
import type { Exchange, FakeContext, RouteHandler, RouteMatch } from "./exchange.js";
import { isJsonObject } from "./parse-proto-json.js";
import { RateLimiter } from "./rate-limits.js";
import { parseBody, readBody } from "./read-body.js";
import { sendError, sendNotFoundPage } from "./respond.js";
import { matchRoute } from "./router.js";
import { handleCountTokens } from "./routes/count-tokens.js";
import { handleBatchEmbedContents, handleEmbedContent } from "./routes/embed.js";
import { handleGenerate } from "./routes/generate.js";
import { handleGetModel, handleListModels } from "./routes/models.js";
import { handleChatCompletions } from "./routes/openai-chat.js";
import { handleOpenAIEmbeddings } from "./routes/openai-embeddings.js";
import { handleOpenAIGetModel, handleOpenAIListModels } from "./routes/openai-models.js";
import { ScriptBook } from "./scripts.js";
import { ThoughtSignatures } from "./signatures.js";
import type { FakeAction, FakeGemini, FakeGeminiOptions, RecordedRequest } from "./types.js";

const ROUTES: Record<FakeAction, RouteHandler> = {
  generateContent: handleGenerate,
  streamGenerateContent: handleGenerate,
  countTokens: handleCountTokens,
  embedContent: handleEmbedContent,
  batchEmbedContents: handleBatchEmbedContents,
  listModels: handleListModels,
  getModel: handleGetModel,
  "openai.chatCompletions": handleChatCompletions,
  "openai.embeddings": handleOpenAIEmbeddings,
  "openai.listModels": handleOpenAIListModels,
  "openai.getModel": handleOpenAIGetModel,
};

/** The compat routes name the model in the body. */
function modelOf(route: RouteMatch, body: unknown): string | undefined {
  if (route.model !== undefined || !isJsonObject(body) || typeof body.model !== "string") return route.model;
  return body.model.replace(/^models\//, "");
}

/** By name: the AbortError of node:timers comes from another realm under Jest. */
function isAbort(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "AbortError";
}

export async function startFakeGemini(options: FakeGeminiOptions = {}): Promise<FakeGemini> {
  const validKeys = options.keys ? new Set(options.keys) : undefined;
  const recordRequests = options.recordRequests ?? true;
  const lifetime = new AbortController();
  const context: FakeContext = {
    catalog: new ModelCatalog(options.models ?? DEFAULT_MODELS, options.modelOverrides),
    scripts: new ScriptBook(),
    signatures: new ThoughtSignatures(),
    rateLimits: new RateLimiter(options.rateLimits ?? {}, options.now ?? Date.now),
    defaultPageSize: options.defaultPageSize ?? 50,
    now: options.now ?? Date.now,
    lifetime: lifetime.signal,
  };
  let requests: RecordedRequest[] = [];
  /** Requests per key, model and action, kept even when recording is off. */
  let counters = new Map<
    string,
    { key: string; model: string | undefined; action: FakeAction; count: number }
  >();

  function count(key: string, model: string | undefined, action: FakeAction): void {
    const id = `${key}\u0000${model ?? ""}\u0000${action}`;
    const counter = counters.get(id);
    if (counter) counter.count++;
    else counters.set(id, { key, model, action, count: 1 });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const url = new URL(request.url ?? "/", "http://fake-gemini.invalid");
    const rawBody = await readBody(request);
    const route = matchRoute(request.method ?? "GET", url.pathname, url.searchParams);
    if (!route) return sendNotFoundPage(response, url.pathname, startedAt);

    const body = parseBody(rawBody);
    const presented = readPresentedKey(request, url.searchParams, route);
    const model = modelOf(route, body.ok ? body.value : undefined);
    const record: RecordedRequest = {
      method: request.method ?? "GET",
      path: url.pathname,
      action: route.action,
      model,
      query: Object.fromEntries(url.searchParams),
      headers: { ...request.headers },
      key: presented?.key,
      keySource: presented?.source,
      body: body.ok ? body.value : undefined,
      rawBody,
      time: startedAt,
      status: undefined,
    };
    if (recordRequests) requests.push(record);
    if (presented) count(presented.key, model, route.action);

    const exchange: Exchange = {
      request,
      response,
      route,
      record,
      key: presented?.key ?? "",
      query: url.searchParams,
      body,
      startedAt,
    };
    try {
      checkAuthentication(request, route, presented, validKeys);
      await ROUTES[route.action](exchange, context);
    } catch (error) {
      if (isAbort(error) || response.destroyed) return;
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (error instanceof FakeHttpError) return sendError(exchange, error.reply);
      console.error("fake-gemini: unexpected failure", error);
      sendError(exchange, geminiErrors.internal());
    }
  }

  const server = createServer((request, response) => {
    response.on("error", () => {});
    request.on("error", () => {});
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  });
  server.on("clientError", (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get requests() {
      return requests;
    },
    enqueue: (reply, match) => context.scripts.enqueue(reply, match),
    setKeyBehavior: (key, reply) => context.scripts.setKeyBehavior(key, reply),
    pendingScripts: () => context.scripts.pending(),
    counts(filter = {}) {
      const perKey: Record<string, number> = {};
      for (const counter of counters.values()) {
        if (filter.model !== undefined && counter.model !== filter.model) continue;
        if (filter.action !== undefined && counter.action !== filter.action) continue;
        perKey[counter.key] = (perKey[counter.key] ?? 0) + counter.count;
      }
      return perKey;
    },
    issueThoughtSignature: () => context.signatures.issue(),
    reset() {
      context.scripts.clear();
      context.signatures.forgetScripted();
      context.rateLimits.clear();
      requests = [];
      counters = new Map();
    },
    close: () =>
      new Promise<void>((resolve) => {
        lifetime.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
