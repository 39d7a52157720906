/**
 * The client protocol a request speaks, by the mount of its route (the most specific first), for the
 * request log; undefined for anything that is not an API call (health, metrics, admin, console).
 */
const PROTOCOL_MOUNTS: ReadonlyArray<readonly [mount: string, protocol: string]> = [
  ["/v1/chat/completions", "openai-chat"],
  ["/v1/messages", "anthropic-messages"],
  ["/v1/responses", "openai-responses"],
  ["/v1/embeddings", "openai-embeddings"],
  ["/v1/models", "openai-models"],
  ["/v1beta/openai", "gemini-openai-compat"],
  ["/v1beta", "gemini-native"],
  ["/v1", "openai-other"],
];

export function clientProtocolOf(path: string): string | undefined {
  for (const [mount, protocol] of PROTOCOL_MOUNTS) {
    if (path === mount || path.startsWith(`${mount}/`)) return protocol;
  }
  return undefined;
}
