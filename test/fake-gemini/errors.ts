/**
 * Gemini's real error bodies (reference §4 and §10), as ready-made `ErrorReply` values for scripts, and
 * the exception the fake's own checks throw to answer with one of them.
 */
import type { ErrorReply } from "./types.js";

const TYPE = "type.googleapis.com/google.rpc.";
const SERVICE = "generativelanguage.googleapis.com";

/** Thrown by a check; the route answers with `reply` in its own style (plain, SSE, array-wrapped). */
export class FakeHttpError extends Error {
  readonly reply: ErrorReply;

  constructor(reply: ErrorReply) {
    super(`fake gemini answers ${reply.status}`);
    this.name = "FakeHttpError";
    this.reply = reply;
  }
}

export function googleError(
  status: number,
  googleStatus: string,
  message: string,
  details?: readonly Record<string, unknown>[],
): ErrorReply {
  return {
    kind: "error",
    status,
    body: { error: { code: status, message, status: googleStatus, details } },
  };
}

export interface FieldViolation {
  field?: string;
  description: string;
}

/** A proto-JSON parse failure: every violation in the message and in a google.rpc.BadRequest detail. */
export function invalidPayload(violations: readonly FieldViolation[]): ErrorReply {
  return googleError(
    400,
    "INVALID_ARGUMENT",
    violations.map((violation) => violation.description).join("\n"),
    [{ "@type": `${TYPE}BadRequest`, fieldViolations: violations }],
  );
}

export type QuotaKind = "rpm" | "rpd" | "tpm";

const QUOTAS: Record<QuotaKind, { metric: string; quotaId: string }> = {
  rpm: {
    metric: `${SERVICE}/generate_content_free_tier_requests`,
    quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
  },
  rpd: {
    metric: `${SERVICE}/generate_content_free_tier_requests`,
    quotaId: "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
  },
  tpm: {
    metric: `${SERVICE}/generate_content_free_tier_input_token_count`,
    quotaId: "GenerateContentInputTokensPerModelPerMinute-FreeTier",
  },
};

/** Seconds; a number keeps its precision in the message and is floored in RetryInfo ("38.29…s" / "38s"). */
export type RetryDelay = number | `${number}s`;

export interface QuotaExceededOptions {
  model: string;
  violations: ReadonlyArray<{ kind: QuotaKind; limit: number }>;
  retryDelay?: RetryDelay;
}

/** The free-tier 429 with Help, QuotaFailure and RetryInfo details, captured live in 2026 (reference §4). */
export function quotaExceeded({
  model,
  violations,
  retryDelay = 38.292227434,
}: QuotaExceededOptions): ErrorReply {
  const delayText = typeof retryDelay === "number" ? `${retryDelay}s` : retryDelay;
  const retryInfoDelay = typeof retryDelay === "number" ? `${Math.floor(retryDelay)}s` : retryDelay;
  const lines = violations.map(
    ({ kind, limit }) =>
      `* Quota exceeded for metric: ${QUOTAS[kind].metric}, limit: ${limit}, model: ${model}`,
  );
  const message =
    "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/rate-limit. \n" +
    `${lines.join("\n")}\nPlease retry in ${delayText}.`;
  return googleError(429, "RESOURCE_EXHAUSTED", message, [
    {
      "@type": `${TYPE}Help`,
      links: [
        {
          description: "Learn more about Gemini API quotas",
          url: "https://ai.google.dev/gemini-api/docs/rate-limits",
        },
      ],
    },
    {
      "@type": `${TYPE}QuotaFailure`,
      violations: violations.map(({ kind, limit }) => ({
        quotaMetric: QUOTAS[kind].metric,
        quotaId: QUOTAS[kind].quotaId,
        quotaDimensions: { location: "global", model },
        // A limit of 0 is the proto default, which proto-JSON leaves out.
        quotaValue: limit > 0 ? String(limit) : undefined,
      })),
    },
    { "@type": `${TYPE}RetryInfo`, retryDelay: retryInfoDelay },
  ]);
}

interface ModelQuotaOptions {
  model: string;
  retryDelay?: RetryDelay;
  limit?: number;
}

/** Ready-made real error bodies. Each returns a fresh `ErrorReply` for `enqueue` or `setKeyBehavior`. */
export const geminiErrors = {
  /** 403 for a request without any key. */
  missingKey: (): ErrorReply =>
    googleError(
      403,
      "PERMISSION_DENIED",
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    ),

  /** 400 (not 401) for a key Google does not know. */
  invalidKey: (): ErrorReply =>
    googleError(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
      {
        "@type": `${TYPE}ErrorInfo`,
        reason: "API_KEY_INVALID",
        domain: "googleapis.com",
        metadata: { service: SERVICE },
      },
      {
        "@type": `${TYPE}LocalizedMessage`,
        locale: "en-US",
        message: "API key not valid. Please pass a valid API key.",
      },
    ]),

  /** An `Authorization` header on the native API: Google reads it as an OAuth token and refuses it. */
  oauthRefused: (methodName: string): ErrorReply =>
    googleError(
      401,
      "UNAUTHENTICATED",
      "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
      [
        {
          "@type": `${TYPE}ErrorInfo`,
          reason: "ACCESS_TOKEN_TYPE_UNSUPPORTED",
          metadata: { service: SERVICE, method: methodName },
        },
      ],
    ),

  leakedKey: (): ErrorReply =>
    googleError(403, "PERMISSION_DENIED", "Your API key was reported as leaked. Please use another API key."),

  serviceDisabled: ({ projectNumber = "123456789012" }: { projectNumber?: string } = {}): ErrorReply => {
    const activationUrl = `https://console.developers.google.com/apis/api/${SERVICE}/overview?project=${projectNumber}`;
    const message = `Generative Language API has not been used in project ${projectNumber} before or it is disabled. Enable it by visiting ${activationUrl} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`;
    return googleError(403, "PERMISSION_DENIED", message, [
      {
        "@type": `${TYPE}ErrorInfo`,
        reason: "SERVICE_DISABLED",
        domain: "googleapis.com",
        metadata: {
          consumer: `projects/${projectNumber}`,
          service: SERVICE,
          activationUrl,
          serviceTitle: "Generative Language API",
          containerInfo: projectNumber,
        },
      },
      { "@type": `${TYPE}LocalizedMessage`, locale: "en-US", message },
      {
        "@type": `${TYPE}Help`,
        links: [{ description: "Google developers console API activation", url: activationUrl }],
      },
    ]);
  },

  consumerSuspended: ({ consumer = "api_key:fake-suspended-key" }: { consumer?: string } = {}): ErrorReply =>
    googleError(403, "PERMISSION_DENIED", `Permission denied: Consumer '${consumer}' has been suspended.`, [
      {
        "@type": `${TYPE}ErrorInfo`,
        reason: "CONSUMER_SUSPENDED",
        domain: "googleapis.com",
        metadata: { consumer: "projects/123456789012", service: SERVICE },
      },
    ]),

  serviceBlocked: ({ method = "GenerateContent" }: { method?: string } = {}): ErrorReply => {
    const methodName = `google.ai.generativelanguage.v1beta.GenerativeService.${method}`;
    return googleError(
      403,
      "PERMISSION_DENIED",
      `Requests to this API ${SERVICE} method ${methodName} are blocked.`,
      [
        {
          "@type": `${TYPE}ErrorInfo`,
          reason: "API_KEY_SERVICE_BLOCKED",
          domain: "googleapis.com",
          metadata: {
            consumer: "projects/123456789012",
            service: SERVICE,
            apiName: SERVICE,
            methodName,
          },
        },
      ],
    );
  },

  projectDenied: (): ErrorReply =>
    googleError(403, "PERMISSION_DENIED", "Your project has been denied access. Please contact support."),

  locationNotSupported: (): ErrorReply =>
    googleError(400, "FAILED_PRECONDITION", "User location is not supported for the API use."),

  quotaExceeded,

  rateLimitPerMinute: ({ model, retryDelay, limit = 15 }: ModelQuotaOptions): ErrorReply =>
    quotaExceeded({ model, retryDelay, violations: [{ kind: "rpm", limit }] }),

  tokensPerMinute: ({ model, retryDelay, limit = 250000 }: ModelQuotaOptions): ErrorReply =>
    quotaExceeded({ model, retryDelay, violations: [{ kind: "tpm", limit }] }),

  /** The daily quota: retrying is pointless until midnight Pacific, yet RetryInfo still says seconds. */
  quotaPerDay: ({ model, retryDelay = 13.620593, limit = 250 }: ModelQuotaOptions): ErrorReply =>
    quotaExceeded({ model, retryDelay, violations: [{ kind: "rpd", limit }] }),

  /** A model absent from the free tier: every quota reports `limit: 0`. */
  limitZero: ({ model, retryDelay = 13.5 }: { model: string; retryDelay?: RetryDelay }): ErrorReply =>
    quotaExceeded({
      model,
      retryDelay,
      violations: [
        { kind: "tpm", limit: 0 },
        { kind: "rpm", limit: 0 },
        { kind: "rpd", limit: 0 },
      ],
    }),

  /** The older 429 without details. */
  bareRateLimit: (): ErrorReply =>
    googleError(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."),

  invalidArgument: (message = "Request contains an invalid argument."): ErrorReply =>
    googleError(400, "INVALID_ARGUMENT", message),

  internal: (): ErrorReply =>
    googleError(
      500,
      "INTERNAL",
      "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
    ),

  /** The 2026 wording of the 503. */
  unavailable: (): ErrorReply =>
    googleError(
      503,
      "UNAVAILABLE",
      "This model is currently experiencing high demand. Spikes in demand are usually temporary. Please try again later.",
    ),

  /** The pre-2026 wording of the 503. */
  overloaded: (): ErrorReply =>
    googleError(503, "UNAVAILABLE", "The model is overloaded. Please try again later."),

  /** The body of a 504 is not documented (reference §4); this is the usual google.rpc shape. */
  deadlineExceeded: (): ErrorReply =>
    googleError(504, "DEADLINE_EXCEEDED", "The request timed out. Please try again."),

  /** What generate (and the other model methods) answer for an unknown model. */
  notFound: (model: string, method = "generateContent", apiVersion = "v1beta"): ErrorReply =>
    googleError(
      404,
      "NOT_FOUND",
      `models/${model} is not found for API version ${apiVersion}, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`,
    ),

  /** What `GET /v1beta/models/{model}` answers for an unknown model. */
  modelNotFound: (model: string, apiVersion = "v1beta"): ErrorReply =>
    googleError(404, "NOT_FOUND", `Model is not found: models/${model} for api version ${apiVersion}`),

  contextOverflow: (inputTokens: number, limit = 1048576): ErrorReply =>
    googleError(
      400,
      "INVALID_ARGUMENT",
      `The input token count (${inputTokens}) exceeds the maximum number of tokens allowed (${limit}).`,
    ),

  /** The Gemini 3 rule (reference §10); `position` is the 1-based index in `contents`. */
  missingThoughtSignature: (functionName: string, position: number): ErrorReply =>
    googleError(
      400,
      "INVALID_ARGUMENT",
      `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${functionName}\` , position ${position}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
    ),

  corruptedThoughtSignature: (): ErrorReply =>
    googleError(400, "INVALID_ARGUMENT", "Corrupted thought signature."),
} as const;
