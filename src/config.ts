import bytes from "bytes";
import { z } from "zod";
import { type AlertTarget, parseAlertTargets } from "./alerts/alert-target.js";
import { type ModelAlias, parseModelAliases } from "./gemini/model-aliases.js";
import { DEFAULT_MEDIA_LIMITS, type MediaLimits } from "./media/media-limits.js";
import type { OutboundProxySettings } from "./upstream/outbound-dispatchers.js";

/**
 * The gateway's settings, read once from the environment at start-up (the variables README.md lists).
 * Nothing else in the code reads `process.env`: the frozen `Config` is passed in.
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly keysFile: string;
  /** Keys from `GEMINI_API_KEYS`, merged with the file's. */
  readonly extraKeys: readonly string[];
  readonly geminiBaseUrl: string;
  readonly accessToken: string | undefined;
  readonly adminToken: string | undefined;
  readonly maxFailures: number;
  /** `CLIENT_REQUEST_TIMEOUT_MS`: time a client has to send its whole request (not to read the answer). */
  readonly clientRequestTimeoutMs: number;
  /** Time allowed for one attempt's upstream to start answering. */
  readonly requestTimeoutMs: number;
  /** At most this many keys are tried for one request (every usable key when larger). */
  readonly maxAttempts: number;
  /** No new attempt starts once a request is this old. */
  readonly requestDeadlineMs: number;
  /**
   * `STATE_FILE`: names where state lives. The database (key state, usage history, request log) is this
   * path with `.db` in place of `.json`; a JSON state file of an earlier version found here is imported once.
   */
  readonly stateFile: string;
  /** Days of usage history kept. */
  readonly historyDays: number;
  /** Rows of the request log kept (the newest). */
  readonly requestLogMaxRows: number;
  readonly logLevel: "debug" | "info" | "warn" | "error";
  readonly redisUrl: string | undefined;
  /** Body size limit, in the `bytes` notation express understands ("25mb"). */
  readonly bodyLimit: string;
  readonly shutdownTimeoutMs: number;
  readonly reasoningOutput: "reasoning_content" | "none";
  /** Allow downloading `http(s)` images from loopback and private addresses. */
  readonly allowPrivateMediaUrls: boolean;
  /** `MEDIA_MAX_URLS`, `MEDIA_MAX_REQUEST_BYTES`, `MEDIA_MAX_PROCESS_BYTES`: how much image downloading. */
  readonly mediaLimits: MediaLimits;
  /** `Access-Control-Allow-Origin` for the API routes; empty turns CORS off. */
  readonly corsOrigin: string;
  /** Watch `KEYS_FILE` and reload on change. */
  readonly watchKeysFile: boolean;
  /** A stream silent this long gets an SSE comment (`: ping`), so clients' body timeouts do not cut it. */
  readonly sseKeepaliveMs: number;
  /** `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY` (or their lower-case forms) for calls to Google. */
  readonly outboundProxies: OutboundProxySettings;
  /** `MODEL_ALIASES`: client model names → Gemini models on the OpenAI- and Anthropic-shaped routes. */
  readonly modelAliases: readonly ModelAlias[];
  /** `CLIENT_TOKENS_FILE`: named client tokens declared in a JSON file (their secrets as hashes). */
  readonly clientTokensFile: string | undefined;
  /** `ALERT_WEBHOOK_URL`: where alerts go, each in its format. */
  readonly alertTargets: readonly AlertTarget[];
  /** `ALERT_MIN_AVAILABLE_KEYS`: a model with this many usable keys or fewer is alerted; 0: never. */
  readonly alertMinAvailableKeys: number;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

const positiveInteger = (variable: string, fix: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `${variable} must be a whole number: ${fix}`)
    .transform(Number)
    .refine((value) => value > 0, `${variable} must be greater than 0: ${fix}`);

const booleanFlag = (variable: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((value) => ["1", "0", "true", "false", "yes", "no", "on", "off"].includes(value), {
      message: `${variable} must be true or false`,
    })
    .transform((value) => ["1", "true", "yes", "on"].includes(value));

/** A size such as `20mb` (1024-based, as express reads `BODY_LIMIT`), in bytes. */
const byteSize = (variable: string, example: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/, `${variable} must be a size such as ${example}`)
    .transform((text) => bytes.parse(text) ?? Number.NaN)
    .refine((size) => size > 0, `${variable} must be greater than 0: set it to a size such as ${example}`);

/** A proxy URL: http(s) or SOCKS5 (`socks5://`, `socks://`), as undici's ProxyAgent takes. */
const proxyUrl = (variable: string) =>
  z
    .string()
    .trim()
    .refine(
      (value) => /^(https?|socks5?):\/\/\S+$/.test(value) && URL.canParse(value),
      `${variable} must be a proxy URL such as http://127.0.0.1:3128 or socks5://127.0.0.1:1080`,
    )
    .optional();

const optionalSecret = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

const environmentSchema = z.object({
  PORT: positiveInteger("PORT", "set PORT to a port number such as 7860")
    .refine((port) => port < 65536, "PORT must be below 65536: set PORT to a port number such as 7860")
    .default(7860),
  HOST: z
    .string()
    .trim()
    .min(1, "HOST must not be empty: set HOST to 0.0.0.0 or 127.0.0.1")
    .default("0.0.0.0"),
  KEYS_FILE: z.string().trim().min(1).default("./keys.txt"),
  GEMINI_API_KEYS: z.string().default(""),
  GEMINI_BASE_URL: z
    .string()
    .trim()
    .url("GEMINI_BASE_URL must be a URL such as https://generativelanguage.googleapis.com")
    .refine((url) => /^https?:/.test(url), "GEMINI_BASE_URL must start with http:// or https://")
    .transform((url) => url.replace(/\/+$/, ""))
    .default("https://generativelanguage.googleapis.com"),
  ACCESS_TOKEN: optionalSecret,
  ADMIN_TOKEN: optionalSecret,
  MAX_FAILURES: positiveInteger("MAX_FAILURES", "set MAX_FAILURES to a count such as 3").default(3),
  REQUEST_TIMEOUT_MS: positiveInteger(
    "REQUEST_TIMEOUT_MS",
    "set REQUEST_TIMEOUT_MS in milliseconds such as 120000",
  ).default(120000),
  CLIENT_REQUEST_TIMEOUT_MS: positiveInteger(
    "CLIENT_REQUEST_TIMEOUT_MS",
    "set CLIENT_REQUEST_TIMEOUT_MS in milliseconds such as 120000",
  ).default(120000),
  MAX_ATTEMPTS: positiveInteger("MAX_ATTEMPTS", "set MAX_ATTEMPTS to a count such as 5").default(5),
  REQUEST_DEADLINE_MS: positiveInteger(
    "REQUEST_DEADLINE_MS",
    "set REQUEST_DEADLINE_MS in milliseconds such as 300000",
  ).default(300000),
  STATE_FILE: z.string().trim().min(1).default("./data/state.json"),
  HISTORY_DAYS: positiveInteger("HISTORY_DAYS", "set HISTORY_DAYS to a number of days such as 30")
    .refine((days) => days <= 3650, "HISTORY_DAYS must be at most 3650 (ten years)")
    .default(30),
  REQUEST_LOG_MAX_ROWS: positiveInteger(
    "REQUEST_LOG_MAX_ROWS",
    "set REQUEST_LOG_MAX_ROWS to a number of rows such as 100000",
  )
    .refine((rows) => rows <= 10_000_000, "REQUEST_LOG_MAX_ROWS must be at most 10000000")
    .default(100_000),
  LOG_LEVEL: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(["debug", "info", "warn", "error"], "LOG_LEVEL must be one of debug, info, warn, error"))
    .default("info"),
  REDIS_URL: z
    .string()
    .optional()
    .transform((value) => (value?.trim() ? value.trim() : undefined))
    .refine(
      (value) => value === undefined || /^rediss?:\/\//.test(value),
      "REDIS_URL must start with redis:// or rediss://",
    ),
  BODY_LIMIT: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/, "BODY_LIMIT must be a size such as 25mb")
    .default("25mb"),
  SHUTDOWN_TIMEOUT_MS: positiveInteger(
    "SHUTDOWN_TIMEOUT_MS",
    "set SHUTDOWN_TIMEOUT_MS in milliseconds such as 30000",
  ).default(30000),
  REASONING_OUTPUT: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(["reasoning_content", "none"], "REASONING_OUTPUT must be reasoning_content or none"))
    .default("reasoning_content"),
  ALLOW_PRIVATE_MEDIA_URLS: booleanFlag("ALLOW_PRIVATE_MEDIA_URLS").default(false),
  MEDIA_MAX_URLS: positiveInteger("MEDIA_MAX_URLS", "set MEDIA_MAX_URLS to a count such as 16").default(
    DEFAULT_MEDIA_LIMITS.maxUrls,
  ),
  MEDIA_MAX_REQUEST_BYTES: byteSize("MEDIA_MAX_REQUEST_BYTES", "20mb").default(
    DEFAULT_MEDIA_LIMITS.maxRequestBytes,
  ),
  MEDIA_MAX_PROCESS_BYTES: byteSize("MEDIA_MAX_PROCESS_BYTES", "64mb").default(
    DEFAULT_MEDIA_LIMITS.maxProcessBytes,
  ),
  CORS_ORIGIN: z.string().trim().default("*"),
  WATCH_KEYS_FILE: booleanFlag("WATCH_KEYS_FILE").default(true),
  SSE_KEEPALIVE_MS: positiveInteger(
    "SSE_KEEPALIVE_MS",
    "set SSE_KEEPALIVE_MS in milliseconds such as 15000",
  ).default(15000),
  HTTPS_PROXY: proxyUrl("HTTPS_PROXY"),
  https_proxy: proxyUrl("https_proxy"),
  HTTP_PROXY: proxyUrl("HTTP_PROXY"),
  http_proxy: proxyUrl("http_proxy"),
  NO_PROXY: z.string().trim().optional(),
  no_proxy: z.string().trim().optional(),
  MODEL_ALIASES: z
    .string()
    .default("")
    .transform((text, context) => {
      try {
        return parseModelAliases(text);
      } catch (error) {
        context.addIssue({ code: "custom", message: `MODEL_ALIASES: ${(error as Error).message}` });
        return z.NEVER;
      }
    }),
  CLIENT_TOKENS_FILE: z.string().trim().optional(),
  ALERT_WEBHOOK_URL: z
    .string()
    .default("")
    .transform((text, context) => {
      try {
        return parseAlertTargets(text);
      } catch (error) {
        context.addIssue({ code: "custom", message: `ALERT_WEBHOOK_URL: ${(error as Error).message}` });
        return z.NEVER;
      }
    }),
  ALERT_MIN_AVAILABLE_KEYS: z
    .string()
    .trim()
    .regex(/^\d+$/, "ALERT_MIN_AVAILABLE_KEYS must be a whole number such as 1 (0 turns the alert off)")
    .transform(Number)
    .default(1),
});

/** Reads and validates the environment; throws one `ConfigError` naming the variable and the fix. */
export function loadConfig(environment: NodeJS.ProcessEnv): Config {
  const parsed = environmentSchema.safeParse(withoutEmptyValues(environment));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? "environment");
    const message = issue?.message ?? "invalid value";
    throw new ConfigError(message.includes(variable) ? message : `${variable}: ${message}`);
  }
  const env = parsed.data;
  return Object.freeze({
    port: env.PORT,
    host: env.HOST,
    keysFile: env.KEYS_FILE,
    extraKeys: Object.freeze(
      env.GEMINI_API_KEYS.split(",")
        .map((key) => key.trim())
        .filter(Boolean),
    ),
    geminiBaseUrl: env.GEMINI_BASE_URL,
    accessToken: env.ACCESS_TOKEN,
    adminToken: env.ADMIN_TOKEN,
    maxFailures: env.MAX_FAILURES,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    clientRequestTimeoutMs: env.CLIENT_REQUEST_TIMEOUT_MS,
    maxAttempts: env.MAX_ATTEMPTS,
    requestDeadlineMs: env.REQUEST_DEADLINE_MS,
    stateFile: env.STATE_FILE,
    historyDays: env.HISTORY_DAYS,
    requestLogMaxRows: env.REQUEST_LOG_MAX_ROWS,
    logLevel: env.LOG_LEVEL,
    redisUrl: env.REDIS_URL,
    bodyLimit: env.BODY_LIMIT,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    reasoningOutput: env.REASONING_OUTPUT,
    allowPrivateMediaUrls: env.ALLOW_PRIVATE_MEDIA_URLS,
    mediaLimits: Object.freeze({
      maxUrls: env.MEDIA_MAX_URLS,
      maxRequestBytes: env.MEDIA_MAX_REQUEST_BYTES,
      maxProcessBytes: env.MEDIA_MAX_PROCESS_BYTES,
    }),
    corsOrigin: env.CORS_ORIGIN,
    watchKeysFile: env.WATCH_KEYS_FILE,
    sseKeepaliveMs: env.SSE_KEEPALIVE_MS,
    modelAliases: Object.freeze(env.MODEL_ALIASES),
    // Lower case wins when both are set, as undici reads them.
    outboundProxies: Object.freeze({
      httpsProxy: env.https_proxy ?? env.HTTPS_PROXY,
      httpProxy: env.http_proxy ?? env.HTTP_PROXY,
      noProxy: env.no_proxy ?? env.NO_PROXY,
    }),
    clientTokensFile: env.CLIENT_TOKENS_FILE || undefined,
    alertTargets: Object.freeze(env.ALERT_WEBHOOK_URL),
    alertMinAvailableKeys: env.ALERT_MIN_AVAILABLE_KEYS,
  });
}

/** An empty variable (`PORT=`) means "use the default", as in most twelve-factor apps. */
function withoutEmptyValues(environment: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(environment)) {
    if (value !== undefined && value.trim() !== "") result[name] = value;
  }
  return result;
}
