/**
 * Reading conversations back from the response store: a chain of `previous_response_id`s, references to
 * stored items, and the 404s a client gets when part of it is gone.
 */
import type { DatabaseSync } from "node:sqlite";
import { GatewayError } from "../../../../src/errors.js";
import { createLogger } from "../../../../src/observability/logger.js";
import { outputItemIds } from "../../../../src/protocols/openai-responses/response-ids.js";
import {
  conversationUpTo,
  referencedItemsOf,
  type StoredResponse,
  StoreReadBudget,
} from "../../../../src/protocols/openai-responses/stored-responses.js";
import { openDatabase } from "../../../../src/store/open-database.js";
import { SqliteResponseStore } from "../../../../src/store/sqlite-response-store.js";

const logger = createLogger({ level: "silent" });
let database: DatabaseSync;
let store: SqliteResponseStore;

beforeEach(() => {
  database = openDatabase(":memory:", logger);
  store = new SqliteResponseStore(database, logger);
});
afterEach(async () => {
  await store.close();
  database.close();
});

/** Stores a turn: the user's text in, the assistant's text out. */
function storeTurn(id: string, question: string, answer: string, previous: string | null): void {
  const itemId = outputItemIds(id)("msg");
  const stored = {
    response: {
      id,
      previous_response_id: previous,
      output: [
        {
          type: "message",
          id: itemId,
          status: "completed",
          role: "assistant",
          content: [{ type: "output_text", text: answer, annotations: [], logprobs: [] }],
        },
      ],
    },
    input: [{ type: "message", role: "user", content: question }],
  } as unknown as StoredResponse;
  store.put(id, stored);
}

const first = `resp_${"1".repeat(32)}`;
const second = `resp_${"2".repeat(32)}`;
const third = `resp_${"3".repeat(32)}`;

test("a chain of previous_response_id is read oldest first: each turn's input, then its output", async () => {
  storeTurn(first, "Q1", "A1", null);
  storeTurn(second, "Q2", "A2", first);
  storeTurn(third, "Q3", "A3", second);
  const items = await conversationUpTo(store, third, new StoreReadBudget());
  expect(items.map((item) => (item.type === "message" ? [item.role, item.content] : item.type))).toEqual([
    ["user", "Q1"],
    ["assistant", [{ type: "output_text", text: "A1" }]],
    ["user", "Q2"],
    ["assistant", [{ type: "output_text", text: "A2" }]],
    ["user", "Q3"],
    ["assistant", [{ type: "output_text", text: "A3" }]],
  ]);
});

test("an unknown id, or a chain whose older part is gone, is a 404 on previous_response_id", async () => {
  storeTurn(third, "Q3", "A3", second);
  for (const id of ["resp_unknown", third]) {
    const error = await conversationUpTo(store, id, new StoreReadBudget()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 404, param: "previous_response_id" });
  }
});

test("item references find the stored output item by its id; others are simply not found", async () => {
  storeTurn(first, "Q1", "A1", null);
  const itemId = `msg_${"1".repeat(32)}_0`;
  const found = await referencedItemsOf(
    store,
    [
      { type: "item_reference", id: itemId },
      { type: "item_reference", id: "msg_made_up_elsewhere" },
      { type: "item_reference", id: `rs_${"9".repeat(32)}_0` },
    ],
    new StoreReadBudget(),
  );
  expect([...found.keys()]).toEqual([itemId]);
  expect(found.get(itemId)).toMatchObject({ type: "message", role: "assistant" });
});

test("a conversation larger than one Gemini request can hold is a clear 400, not loaded whole", async () => {
  const big = "x".repeat(9 * 1024 * 1024);
  let previous: string | null = null;
  for (let turn = 0; turn < 5; turn++) {
    const id = `resp_${String(turn).repeat(32)}`;
    storeTurn(id, big.slice(0, 7 * 1024 * 1024), `A${turn}`, previous);
    previous = id;
  }
  const error = await conversationUpTo(store, `resp_${"4".repeat(32)}`, new StoreReadBudget()).catch(
    (caught: unknown) => caught,
  );
  expect(error).toMatchObject({ status: 400, param: "previous_response_id" });
});
