/**
 * Gemini thought signatures ride to the client in a `thinking` block's `signature`, where Anthropic
 * clients keep their own signatures and send them back untouched with the next turn. The mark says which
 * Gemini part the signature belongs to, so the next request puts it back exactly there:
 * - `gemini:` the function call of the `tool_use` block right after the thinking block;
 * - `gemini-text:` the text of the `text` block right before it (Gemini signs a text answer at its end).
 * A signature Claude made (history from Anthropic's API) carries no mark and is never sent to Gemini,
 * which would refuse it as corrupted: Anthropic's signatures are base64, which never holds a `:`.
 */
export type SignatureTarget = "next tool_use" | "previous text";

const MARKS: Readonly<Record<SignatureTarget, string>> = {
  "next tool_use": "gemini:",
  "previous text": "gemini-text:",
};

/** The `signature` of a thinking block for a Gemini thought signature. */
export function toThinkingSignature(geminiSignature: string, target: SignatureTarget): string {
  return `${MARKS[target]}${geminiSignature}`;
}

/** The Gemini thought signature a thinking block carries and where it belongs, if it carries one. */
export function readThinkingSignature(
  thinkingSignature: string | null | undefined,
): { signature: string; target: SignatureTarget } | undefined {
  if (typeof thinkingSignature !== "string") return undefined;
  for (const [target, mark] of Object.entries(MARKS) as Array<[SignatureTarget, string]>) {
    if (!thinkingSignature.startsWith(mark)) continue;
    const signature = thinkingSignature.slice(mark.length);
    return signature === "" ? undefined : { signature, target };
  }
  return undefined;
}
