import { z } from "zod";

/**
 * Gemini thought signatures ride in a reasoning item's `encrypted_content`, the one field of an output
 * item that clients keep and send back unchanged (Codex sends `include: ["reasoning.encrypted_content"]`
 * with `store: false`). The string is this gateway's own JSON; OpenAI's real encrypted content is not
 * JSON, so a conversation that moved between providers is read without confusion.
 *
 * A signature with a `call_id` belongs to that function call; one without belongs to the last text of
 * the model turn the reasoning item sits in (where Gemini puts the signature of a text answer).
 */
export interface CarriedSignature {
  callId?: string;
  signature: string;
}

const carrierSchema = z.object({
  gemini_thought_signatures: z.array(
    z.object({ call_id: z.string().min(1).optional(), signature: z.string().min(1) }),
  ),
});

export function encodeSignatureCarrier(signatures: readonly CarriedSignature[]): string {
  return JSON.stringify({
    gemini_thought_signatures: signatures.map(({ callId, signature }) =>
      callId === undefined ? { signature } : { call_id: callId, signature },
    ),
  });
}

/** The signatures an `encrypted_content` carries; none when it is not the gateway's (or is damaged). */
export function decodeSignatureCarrier(encryptedContent: string | null | undefined): CarriedSignature[] {
  if (!encryptedContent?.startsWith("{")) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(encryptedContent);
  } catch {
    return [];
  }
  const carrier = carrierSchema.safeParse(parsed);
  if (!carrier.success) return [];
  return carrier.data.gemini_thought_signatures.map(({ call_id, signature }) =>
    call_id === undefined ? { signature } : { callId: call_id, signature },
  );
}
