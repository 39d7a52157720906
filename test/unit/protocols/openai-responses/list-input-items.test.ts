import { listInputItems } from "../../../../src/protocols/openai-responses/list-input-items.js";
import type { ResponsesInputItem } from "../../../../src/protocols/openai-responses/request-schema.js";

const RESPONSE_ID = `resp_${"ab".repeat(16)}`;

/** A Codex-style turn: the call and its signature carrier written back, the tool's output, a question. */
const items: ResponsesInputItem[] = [
  { type: "reasoning", summary: [], encrypted_content: "gemini_thought_signatures:xyz" },
  {
    type: "function_call",
    call_id: "call_1",
    name: "exec_command",
    arguments: '{"cmd":"ls"}',
    id: "fc_given",
  },
  { type: "function_call_output", call_id: "call_1", output: "README.md" },
  { type: "other", originalType: "web_search_call" },
  { type: "message", role: "user", content: "Now what?" },
];

test("tool calls, outputs and reasoning keep their fields; placeholders are left out; ids are stable", () => {
  const page = listInputItems(RESPONSE_ID, items, { order: "asc" });
  expect(page.data).toEqual([
    { type: "reasoning", id: expect.stringMatching(/^rs_/), summary: [] },
    {
      type: "function_call",
      id: "fc_given",
      status: "completed",
      call_id: "call_1",
      name: "exec_command",
      arguments: '{"cmd":"ls"}',
    },
    {
      type: "function_call_output",
      id: expect.stringMatching(/^fco_/),
      status: "completed",
      call_id: "call_1",
      output: "README.md",
    },
    {
      type: "message",
      id: expect.stringMatching(/^msg_/),
      status: "completed",
      role: "user",
      content: [{ type: "input_text", text: "Now what?" }],
    },
  ]);
  expect(listInputItems(RESPONSE_ID, items, { order: "asc" }).data).toEqual(page.data);
  expect(page).toMatchObject({ object: "list", first_id: page.data[0]?.id, last_id: page.data[3]?.id });
});

test("the signature carrier is shown only when include asks for it", () => {
  const hidden = listInputItems(RESPONSE_ID, items, { order: "asc" }).data[0];
  expect(hidden).not.toHaveProperty("encrypted_content");
  const shown = listInputItems(RESPONSE_ID, items, {
    order: "asc",
    include: ["reasoning.encrypted_content"],
  });
  expect(shown.data[0]).toHaveProperty("encrypted_content", "gemini_thought_signatures:xyz");
});

test("after and before cut the list around an item; has_more says a limit left some out", () => {
  const all = listInputItems(RESPONSE_ID, items, {}).data.map((item) => item.id);
  expect(all).toHaveLength(4);
  const [newest, second, third, oldest] = all;
  expect(listInputItems(RESPONSE_ID, items, { after: newest, limit: "2" })).toMatchObject({
    data: [{ id: second }, { id: third }],
    has_more: true,
  });
  expect(listInputItems(RESPONSE_ID, items, { after: newest, before: oldest })).toMatchObject({
    data: [{ id: second }, { id: third }],
    has_more: false,
  });
  expect(listInputItems(RESPONSE_ID, [], {})).toEqual({
    object: "list",
    data: [],
    first_id: null,
    last_id: null,
    has_more: false,
  });
});

test("bad paging values are 400s naming the parameter", () => {
  for (const [query, param] of [
    [{ limit: "101" }, "limit"],
    [{ limit: "1.5" }, "limit"],
    [{ order: "up" }, "order"],
    [{ before: "msg_nope" }, "before"],
  ] as const) {
    expect(() => listInputItems(RESPONSE_ID, items, query)).toThrow(
      expect.objectContaining({ status: 400, param }) as unknown as Error,
    );
  }
});
