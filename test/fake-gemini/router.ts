/**
 * Maps a method and path to the Gemini method (or compat route) it names, under `/v1beta` or `/v1` (the
 * default of @google/genai 3.x). Anything else is Google's HTML 404. Like Google, a doubled `models/`
 * (`/v1beta/models/models/x:generateContent`) matches nothing.
 */
import type { RouteMatch } from "./exchange.js";
import type { FakeAction } from "./types.js";

const MODEL_ACTIONS: Record<string, FakeAction> = {
  generateContent: "generateContent",
  streamGenerateContent: "streamGenerateContent",
  countTokens: "countTokens",
  embedContent: "embedContent",
  batchEmbedContents: "batchEmbedContents",
};

const NATIVE_PATH = /^\/(v1beta|v1)\/models(?:\/([^/:]+)(?::([A-Za-z]+))?)?$/;
const COMPAT_MODEL_PATH = /^\/v1beta\/openai\/models\/([^/:]+)$/;

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function matchCompatRoute(method: string, path: string): RouteMatch | undefined {
  const compat = (action: FakeAction, model?: string): RouteMatch => ({
    action,
    apiVersion: "v1beta",
    model,
    style: "openai",
  });
  if (method === "GET" && path === "/v1beta/openai/models") return compat("openai.listModels");
  if (method === "POST" && path === "/v1beta/openai/chat/completions")
    return compat("openai.chatCompletions");
  if (method === "POST" && path === "/v1beta/openai/embeddings") return compat("openai.embeddings");
  const modelPath = COMPAT_MODEL_PATH.exec(path);
  const model = modelPath ? decodeSegment(modelPath[1]!) : undefined;
  return method === "GET" && model !== undefined ? compat("openai.getModel", model) : undefined;
}

export function matchRoute(method: string, path: string, query: URLSearchParams): RouteMatch | undefined {
  if (path.startsWith("/v1beta/openai/")) return matchCompatRoute(method, path);
  const native = NATIVE_PATH.exec(path);
  if (!native) return undefined;
  const apiVersion = native[1] as RouteMatch["apiVersion"];
  if (native[2] === undefined) {
    return method === "GET"
      ? { action: "listModels", apiVersion, model: undefined, style: "json" }
      : undefined;
  }
  const model = decodeSegment(native[2]);
  const verb = native[3];
  if (model === undefined) return undefined;
  if (verb === undefined) {
    return method === "GET" ? { action: "getModel", apiVersion, model, style: "json" } : undefined;
  }
  const action = MODEL_ACTIONS[verb];
  if (method !== "POST" || action === undefined) return undefined;
  if (action !== "streamGenerateContent") return { action, apiVersion, model, style: "json" };
  return { action, apiVersion, model, style: query.get("alt") === "sse" ? "sse" : "json-array" };
}
