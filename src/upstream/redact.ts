/** Anything shaped like a Google API key, even one the gateway does not know. */
const GOOGLE_KEY_PATTERN = /AIza[0-9A-Za-z_-]{20,}/g;

/**
 * Removes secrets from text that may leave the process (messages from upstream can echo a key,
 * e.g. "Consumer 'api_key:…' has been suspended").
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text.replace(GOOGLE_KEY_PATTERN, "[redacted key]");
  for (const secret of secrets) {
    if (secret.length >= 6 && result.includes(secret)) result = result.split(secret).join("[redacted key]");
  }
  return result;
}
