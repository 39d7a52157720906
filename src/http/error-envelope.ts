import type { GatewayError } from "../errors.js";

/**
 * How one client protocol writes a failure answered with a real HTTP status (before anything of the
 * answer was sent): OpenAI's `{"error":{message,type,code,param}}`, Gemini's `google.rpc.Status`,
 * Anthropic's `{"type":"error","error":{type,message}}`. The status and the headers (`retry-after`…)
 * come from the `GatewayError` itself.
 */
export interface ErrorEnvelope {
  body(error: GatewayError): unknown;
}

/** A protocol's envelope and where its routes live: `mount` and every path under it. */
export interface MountedEnvelope {
  mount: string;
  envelope: ErrorEnvelope;
}

/**
 * The envelope for a request path: the first mount that holds it, in the order given (list the more
 * specific mounts first: `/v1beta/openai` before `/v1beta`), else `fallback`. Chosen by path rather
 * than by the route, so failures before any route ran (a body that is not JSON, a missing token, an
 * unknown path) also reach the client in its protocol's shape.
 */
export function envelopeFor(
  path: string,
  mounted: readonly MountedEnvelope[],
  fallback: ErrorEnvelope,
): ErrorEnvelope {
  for (const { mount, envelope } of mounted) {
    if (path === mount || path.startsWith(`${mount}/`)) return envelope;
  }
  return fallback;
}
