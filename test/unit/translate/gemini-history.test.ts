/**
 * The one grouping of tool results every protocol's history goes through (OpenAI Chat, Responses,
 * Anthropic Messages): what Gemini receives for answered, unanswered and orphaned calls.
 */
import { GeminiHistory } from "../../../src/translate/gemini-history.js";

const call = (name: string) => ({ functionCall: { name, args: {} } });
const missing = (name: string) => ({
  functionResponse: { name, response: { error: "No result was provided for this tool call." } },
});

test("results answering one step become one user content, in the order of the calls", () => {
  const history = new GeminiHistory();
  history.addUser([{ text: "Look at both" }]);
  history.addModelStep([{ text: "Reading" }, call("read_a"), call("read_b")], ["call_a", "call_b"]);
  const screenshot = { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } };
  expect(history.answer("call_b", { output: "B" }, [screenshot])).toBe(true);
  expect(history.answer("call_a", { output: "A" })).toBe(true);
  history.addUser([{ text: "Thanks" }]);
  expect(history.build()).toEqual([
    { role: "user", parts: [{ text: "Look at both" }] },
    { role: "model", parts: [{ text: "Reading" }, call("read_a"), call("read_b")] },
    {
      role: "user",
      parts: [
        { functionResponse: { name: "read_a", response: { output: "A" } } },
        { functionResponse: { name: "read_b", response: { output: "B" } } },
        screenshot,
        { text: "Thanks" },
      ],
    },
  ]);
});

test("a call left without a result gets an error response once the conversation goes on", () => {
  const history = new GeminiHistory();
  history.addUser([{ text: "Go" }]);
  history.addModelStep([call("run")], ["call_1"]);
  history.addModelStep([{ text: "Never mind" }], []);
  expect(history.build()).toEqual([
    { role: "user", parts: [{ text: "Go" }] },
    { role: "model", parts: [call("run")] },
    { role: "user", parts: [missing("run")] },
    { role: "model", parts: [{ text: "Never mind" }] },
  ]);
});

test("a step still waiting for its results at the end stays the last turn", () => {
  const history = new GeminiHistory();
  history.addUser([{ text: "Go" }]);
  history.addModelStep([call("run")], ["call_1"]);
  expect(history.build().at(-1)).toEqual({ role: "model", parts: [call("run")] });
});

test("a result for no waiting call, or a second one for a call, is refused by answer and read as text by addToolResult", () => {
  const history = new GeminiHistory();
  history.addUser([{ text: "Go" }]);
  expect(history.answer("call_gone", { output: "x" })).toBe(false);
  history.addModelStep([call("run")], ["call_1"]);
  expect(history.answer("call_1", { output: "first" })).toBe(true);
  expect(history.answer("call_1", { output: "again" })).toBe(false);
  history.addToolResult("call_trimmed", { response: { output: "" }, text: "" });
  expect(history.build()).toEqual([
    { role: "user", parts: [{ text: "Go" }] },
    { role: "model", parts: [call("run")] },
    {
      role: "user",
      parts: [
        { functionResponse: { name: "run", response: { output: "first" } } },
        { text: "Result of tool call call_trimmed:\n(empty)" },
      ],
    },
  ]);
});

test("a result named by function answers the first unanswered call of that name", () => {
  const history = new GeminiHistory();
  history.addUser([{ text: "Go" }]);
  history.addModelStep([call("run"), call("run"), call("other")], ["call_1", "call_2", "call_3"]);
  expect(history.answer("call_1", { output: "one" })).toBe(true);
  expect(history.answerByName("run", { output: "two" })).toBe(true);
  expect(history.answerByName("run", { output: "three" })).toBe(false);
  expect(history.build().at(-1)).toEqual({
    role: "user",
    parts: [
      { functionResponse: { name: "run", response: { output: "one" } } },
      { functionResponse: { name: "run", response: { output: "two" } } },
      missing("other"),
    ],
  });
});
