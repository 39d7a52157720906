/**
 * What the fake says when no script answers: a deterministic echo of the request, so a test can tell which
 * request produced which answer.
 */
import type { GeminiContent, GeminiGenerateContentRequest } from "../../src/gemini/wire-types.js";

const MAX_ECHO_CHARS = 120;

export interface DefaultAnswer {
  /** One text per candidate. */
  texts: string[];
  /** A thought summary, used when the model thinks. */
  thoughts: string;
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length <= MAX_ECHO_CHARS ? oneLine : `${oneLine.slice(0, MAX_ECHO_CHARS - 1)}…`;
}

function describeLastContent(contents: readonly GeminiContent[]): string {
  const last = contents.at(-1);
  const results = last?.parts.filter((part) => part.functionResponse !== undefined) ?? [];
  if (results.length > 0) {
    const described = results.map(
      (part) => `${part.functionResponse!.name} returned ${JSON.stringify(part.functionResponse!.response)}`,
    );
    return `Function ${shorten(described.join("; "))}`;
  }
  for (let index = contents.length - 1; index >= 0; index--) {
    const content = contents[index]!;
    if ((content.role ?? "user") !== "user") continue;
    const text = content.parts
      .filter((part) => typeof part.text === "string" && part.thought !== true)
      .map((part) => part.text)
      .join(" ");
    return `Echo: ${text === "" ? "[non-text content]" : shorten(text)}`;
  }
  return "Echo: [no user content]";
}

export function defaultAnswer(request: GeminiGenerateContentRequest, candidateCount: number): DefaultAnswer {
  const text = describeLastContent(request.contents);
  const texts = Array.from({ length: candidateCount }, (_, index) =>
    index === 0 ? text : text.replace(/^(Echo|Function)/, `$1 (candidate ${index + 1})`),
  );
  const subject = JSON.stringify(text.replace(/^Echo: /, "").slice(0, 40));
  return {
    texts,
    thoughts: `**Reading the request**\n\nThe conversation ends with ${subject}. I will reply briefly and directly.`,
  };
}
