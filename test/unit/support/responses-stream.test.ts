import { checkResponsesStream } from "../../support/responses-stream.js";
import type { SseEvent } from "../../support/sse.js";

/** A correct stream: a reasoning item, then a message, completed. */
function correctStream(): SseEvent[] {
  const reasoning = { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "Think." }] };
  const message = {
    type: "message",
    id: "msg_1",
    status: "completed",
    role: "assistant",
    content: [{ type: "output_text", text: "Hi!", annotations: [] }],
  };
  const response = (status: string, output: unknown[]) => ({
    id: "resp_1",
    object: "response",
    status,
    output,
  });
  const bodies: Array<Record<string, unknown>> = [
    { type: "response.created", response: response("in_progress", []) },
    { type: "response.in_progress", response: response("in_progress", []) },
    { type: "response.output_item.added", output_index: 0, item: { ...reasoning, summary: [] } },
    { type: "response.reasoning_summary_part.added", item_id: "rs_1", output_index: 0, summary_index: 0 },
    { type: "response.reasoning_summary_text.delta", item_id: "rs_1", output_index: 0, delta: "Think." },
    { type: "response.reasoning_summary_text.done", item_id: "rs_1", output_index: 0, text: "Think." },
    { type: "response.reasoning_summary_part.done", item_id: "rs_1", output_index: 0 },
    { type: "response.output_item.done", output_index: 0, item: reasoning },
    { type: "response.output_item.added", output_index: 1, item: { ...message, content: [] } },
    { type: "response.content_part.added", item_id: "msg_1", output_index: 1, content_index: 0 },
    { type: "response.output_text.delta", item_id: "msg_1", output_index: 1, content_index: 0, delta: "Hi" },
    { type: "response.output_text.delta", item_id: "msg_1", output_index: 1, content_index: 0, delta: "!" },
    { type: "response.output_text.done", item_id: "msg_1", output_index: 1, content_index: 0, text: "Hi!" },
    { type: "response.content_part.done", item_id: "msg_1", output_index: 1, part: { text: "Hi!" } },
    { type: "response.output_item.done", output_index: 1, item: message },
    { type: "response.completed", response: response("completed", [reasoning, message]) },
  ];
  return bodies.map((body, position) => {
    const json = { ...body, sequence_number: position };
    return { event: String(body.type), data: JSON.stringify(json), json };
  });
}

function renumber(events: SseEvent[]): SseEvent[] {
  return events.map((record, position) => ({
    ...record,
    json: { ...record.json, sequence_number: position },
  }));
}

describe("the Responses stream checker", () => {
  test("passes a correct stream and returns its final response", () => {
    expect(checkResponsesStream(correctStream())).toMatchObject({ status: "completed" });
  });

  test.each<[string, (events: SseEvent[]) => SseEvent[], RegExp]>([
    [
      "an event line that differs from the type",
      (events) => events.map((record, index) => (index === 4 ? { ...record, event: "x" } : record)),
      /event line says x/,
    ],
    ["a gap in sequence numbers", (events) => events.filter((_, index) => index !== 4), /sequence_number 5/],
    ["no terminal event", (events) => events.slice(0, -1), /no response.completed/],
    [
      "an event after the terminal one",
      (events) => renumber([...events, events[4] as SseEvent]),
      /after the terminal event/,
    ],
    [
      "deltas that do not add up",
      (events) => renumber(events.filter((_, index) => index !== 11)),
      /text differs from its deltas/,
    ],
    [
      "an item never done",
      (events) => renumber(events.filter((_, index) => index !== 14)),
      /item 1 was never done/,
    ],
    [
      "a final response that holds other items",
      (events) =>
        events.map((record, index) =>
          index === 15
            ? { ...record, json: { ...record.json, response: { ...record.json.response, output: [] } } }
            : record,
        ),
      /terminal response has 0 items/,
    ],
    [
      "an item id without its prefix",
      (events) =>
        events.map((record, index) =>
          index === 8
            ? { ...record, json: { ...record.json, item: { ...record.json.item, id: "m1" } } }
            : record,
        ),
      /item message with id m1/,
    ],
  ])("catches %s", (_name, breakStream, problem) => {
    expect(() => checkResponsesStream(breakStream(correctStream()))).toThrow(problem);
  });
});
