/** Google API keys: `AIza` and 35 letters, digits, `_` or `-` (39 characters in all). */
const GOOGLE_KEY = /^AIza[0-9A-Za-z_-]{35}$/;

/**
 * A token that can be an API key of a Gemini-compatible service other than Google's (a relay behind
 * `GEMINI_BASE_URL`): at least 16 characters from the alphabets keys and tokens use. Prose, headings,
 * `NAME=value` lines, quotes, URLs and short words are not.
 */
const OTHER_SERVICE_KEY = /^[A-Za-z0-9][A-Za-z0-9._~+/-]{15,255}=*$/;

/** The option that accepts a line's key whatever its shape. */
export const ANY_SHAPE_OPTION = "allow-any-shape";

/**
 * Why `key` cannot be a key, or undefined when it can. A key that starts like Google's must be all of
 * Google's shape (a cut or quoted paste is the usual mistake); other services' keys need only look
 * like a token.
 */
export function keyShapeProblem(key: string): string | undefined {
  if (GOOGLE_KEY.test(key)) return undefined;
  if (key.startsWith("AIza")) {
    return `it starts like a Google API key but is not one: those are AIza and 35 letters, digits, _ or - (39 characters; this one has ${key.length})`;
  }
  if (OTHER_SERVICE_KEY.test(key)) return undefined;
  if (/^["'`]|["'`]$/.test(key)) return "it is in quotes: remove them";
  if (/^[A-Z_]+=/.test(key)) return "it looks like NAME=value: put only the key on the line";
  return `it does not look like an API key (Google's are AIza…, 39 characters); add ${ANY_SHAPE_OPTION} after it if it really is one`;
}
