/**
 * The Gemini thought signature of a function call rides to the client in the `signature` of the
 * thinking block right before its `tool_use`, where Anthropic clients keep signatures and send them back
 * untouched with the next turn (and where Claude's own interleaved thinking puts them). It is marked, so
 * that a signature Claude made (history from Anthropic's API) is never sent to Gemini, which would refuse
 * it as corrupted: Anthropic's signatures are base64, which never holds a `:`.
 */
const MARK = "gemini:";

/** The `signature` of a thinking block for a Gemini thought signature. */
export function toThinkingSignature(geminiSignature: string): string {
  return `${MARK}${geminiSignature}`;
}

/** The Gemini thought signature in a thinking block's `signature`, or undefined when it holds none. */
export function geminiSignatureOf(thinkingSignature: string | null | undefined): string | undefined {
  if (typeof thinkingSignature !== "string" || !thinkingSignature.startsWith(MARK)) return undefined;
  const signature = thinkingSignature.slice(MARK.length);
  return signature === "" ? undefined : signature;
}
