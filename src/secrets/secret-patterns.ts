/**
 * The one home of what a secret looks like and how it is hidden, for every place text leaves the
 * process: log lines, metric labels, error messages, relayed upstream bytes.
 */
import { SecretIndex } from "./secret-index.js";

/** Anything shaped like a Google API key, even one the gateway does not know. */
export const GOOGLE_KEY_SHAPE = /AIza[0-9A-Za-z_-]{20,}/;
const GOOGLE_KEY_SHAPES = new RegExp(GOOGLE_KEY_SHAPE.source, "g");
const WHOLE_GOOGLE_KEY = new RegExp(`^${GOOGLE_KEY_SHAPE.source}$`);

/**
 * A client token's secret (src/clients/client-token-secret.ts): `grt_` and 43 base64url characters.
 * Recognisable by its prefix, so a secret pasted anywhere is hidden even when no token is known.
 */
export const CLIENT_TOKEN_SHAPE = /grt_[0-9A-Za-z_-]{43}/;
const CLIENT_TOKEN_SHAPES = new RegExp(CLIENT_TOKEN_SHAPE.source, "g");

/** What a hidden client token becomes in text that leaves the process. */
export const REDACTED_CLIENT_TOKEN = "[redacted client token]";

/** Secrets shorter than this are not searched for (they would match ordinary words). */
export const MIN_SECRET_LENGTH = 6;

/** What a hidden key becomes in text that leaves the process. */
export const REDACTED_KEY = "[redacted key]";

/** The index of each frozen secret list (a pool's keys): built once per key set. */
const indexByList = new WeakMap<readonly (string | undefined)[], SecretIndex>();

/**
 * The secrets the key pattern does not already catch and long enough to search for, indexed so that a
 * text is read once whatever their number (src/secrets/secret-index.ts). A frozen list (the pool's
 * keys, the settings' secrets) is indexed once; any other list is indexed on every call, so it should
 * be short.
 */
function indexOf(secrets: readonly (string | undefined)[]): SecretIndex {
  const cached = indexByList.get(secrets);
  if (cached !== undefined) return cached;
  const index = new SecretIndex(
    secrets.filter(
      (secret): secret is string =>
        typeof secret === "string" && secret.length >= MIN_SECRET_LENGTH && !WHOLE_GOOGLE_KEY.test(secret),
    ),
  );
  // Only a list that cannot change may be remembered.
  if (Object.isFrozen(secrets)) indexByList.set(secrets, index);
  return index;
}

/** Replaces every given secret in `text` (those the key pattern does not catch) with `replacement`. */
export function hideKnownSecrets(
  text: string,
  secretLists: ReadonlyArray<readonly (string | undefined)[]>,
  replacement: string,
): string {
  let result = text;
  for (const secrets of secretLists) result = indexOf(secrets).replace(result, replacement);
  return result;
}

/** Replaces every key-shaped string (and every client-token-shaped one) in `text`. */
export function hideKeyShapes(text: string, replacement = REDACTED_KEY): string {
  return text
    .replace(GOOGLE_KEY_SHAPES, replacement)
    .replace(CLIENT_TOKEN_SHAPES, replacement === REDACTED_KEY ? REDACTED_CLIENT_TOKEN : replacement);
}

/** Replaces every given secret and every key-shaped string in `text` with `[redacted key]`. */
export function redactSecrets(
  text: string,
  secretLists: ReadonlyArray<readonly (string | undefined)[]>,
): string {
  return hideKeyShapes(hideKnownSecrets(text, secretLists, REDACTED_KEY));
}

/** Whether `text` holds a key-shaped string or one of the given secrets. */
export function containsSecret(
  text: string,
  secretLists: ReadonlyArray<readonly (string | undefined)[]>,
): boolean {
  if (GOOGLE_KEY_SHAPE.test(text) || CLIENT_TOKEN_SHAPE.test(text)) return true;
  return secretLists.some((secrets) => indexOf(secrets).contains(text));
}

/**
 * Where a secret may begin at the end of `text` and continue in text not seen yet: the start of the
 * longest suffix that is the beginning of a given secret or of a key-shaped string. `text.length`
 * when nothing at the end could be part of a secret.
 */
export function secretTailStart(
  text: string,
  secretLists: ReadonlyArray<readonly (string | undefined)[]>,
): number {
  let start = text.length;
  const keyTail = /A(?:I(?:z(?:a[0-9A-Za-z_-]*)?)?)?$/.exec(text);
  if (keyTail) start = keyTail.index;
  for (const secrets of secretLists) start = Math.min(start, indexOf(secrets).tailStart(text));
  return start;
}
