/**
 * The generic SSE reader other stream checkers stand on: framing, pieces, names, comments.
 */
import { blocksOf, parseSse } from "../../support/sse.js";

const STREAM = [
  ": keep-alive",
  "",
  "event: message_start",
  'data: {"type":"message_start"}',
  "",
  "data: first line",
  "data: second line",
  "",
  "id: 7",
  "data: [DONE]",
  "",
  "",
].join("\n");

/** The same bytes in `size`-character pieces. */
function piecesOf(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}

describe("parseSse", () => {
  test.each([
    ["LF", "\n"],
    ["CRLF", "\r\n"],
    ["CR", "\r"],
  ])("reads %s framing whole and in 1-byte and 7-byte pieces alike", (_framing, lineEnd) => {
    const text = STREAM.replaceAll("\n", lineEnd);
    const expected = {
      events: [
        { event: "message_start", data: '{"type":"message_start"}', json: { type: "message_start" } },
        { data: "first line\nsecond line", json: undefined },
        { id: "7", data: "[DONE]", json: undefined },
      ],
      comments: [{ text: "keep-alive", afterEvents: 0 }],
      unterminated: "",
    };
    expect(parseSse(text)).toEqual(expected);
    expect(parseSse(piecesOf(text, 1))).toEqual(expected);
    expect(parseSse(piecesOf(text, 7))).toEqual(expected);
  });

  test("says where a comment stood among the events", () => {
    const stream = parseSse('data: {"a":1}\n\n: ping\n\ndata: {"a":2}\n\n: ping\n\n');
    expect(stream.comments).toEqual([
      { text: "ping", afterEvents: 1 },
      { text: "ping", afterEvents: 2 },
    ]);
  });

  test("keeps an event the server never ended out of the events, and reports it", () => {
    const stream = parseSse('data: {"a":1}\n\ndata: {"a":2}\n');
    expect(stream.events).toEqual([{ data: '{"a":1}', json: { a: 1 } }]);
    expect(stream.unterminated).toBe('data: {"a":2}\n');
  });
});

describe("blocksOf", () => {
  test("splits the raw text at blank lines, whatever the line ends", () => {
    expect(blocksOf("data: a\r\n\r\n: ping\n\ndata: b\rdata: c\r\r")).toEqual([
      "data: a",
      ": ping",
      "data: b\rdata: c",
    ]);
  });
});
