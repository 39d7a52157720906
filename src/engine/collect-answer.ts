import type { Answer, AnswerCandidate, AnswerEvent, AnswerSummary } from "./answer-events.js";

/**
 * The events of one whole answer → the `Answer` a protocol's response renderer reads: candidates sorted
 * by index, each with its content in order (consecutive text, or reasoning, joined) and its finish.
 * Every candidate that has content also has a finish (the converter gives one to each).
 */
export function collectAnswer(events: readonly AnswerEvent[], summary: AnswerSummary): Answer {
  const byIndex = new Map<number, AnswerCandidate>();
  const candidateFor = (index: number): AnswerCandidate => {
    let candidate = byIndex.get(index);
    if (candidate === undefined) {
      candidate = {
        index,
        parts: [],
        finish: { kind: "stop", geminiReason: undefined, message: undefined, madeToolCall: false },
      };
      byIndex.set(index, candidate);
    }
    return candidate;
  };

  for (const event of events) {
    const candidate = candidateFor(event.candidate);
    switch (event.type) {
      case "finish":
        candidate.finish = event.finish;
        break;
      case "text":
      case "reasoning": {
        const last = candidate.parts.at(-1);
        if (last !== undefined && last.type === event.type) {
          candidate.parts[candidate.parts.length - 1] = { ...last, text: last.text + event.text };
        } else {
          candidate.parts.push({ ...event });
        }
        break;
      }
      case "signature":
      case "tool_call":
        candidate.parts.push(event);
        break;
      default: {
        const unexpected: never = event;
        throw new Error(`unhandled answer event ${JSON.stringify(unexpected)}`);
      }
    }
  }
  const candidates = [...byIndex.values()].sort((first, second) => first.index - second.index);
  return { ...summary, candidates };
}
