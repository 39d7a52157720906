import { z } from "zod";
import { GatewayError, invalidRequest } from "../../errors.js";
import type { ResponseStore } from "../../store/response-store.js";
import { inputItemSchema, type ResponsesInputItem } from "./request-schema.js";
import { responseIdOfItem } from "./response-ids.js";
import type { ResponseObject } from "./response-object.js";

/** What the gateway keeps of a stored response: the response as it ended, and the input it answered. */
export interface StoredResponse {
  /** Signature carriers included (see response-object.ts `visibleResponse` for what a client sees). */
  response: ResponseObject;
  /** The request's own input items, references resolved (not the earlier conversation). */
  input: ResponsesInputItem[];
}

/** Read back permissively: a record this gateway wrote, checked only for what is used. */
const storedSchema = z.object({
  response: z.looseObject({
    id: z.string(),
    previous_response_id: z.string().nullish(),
    output: z.array(z.unknown()),
  }),
  input: z.array(z.unknown()),
});

/**
 * What one request may read from the store (its conversation and the items it references), so no
 * request loads unbounded data: more than Gemini takes in one request (its inline limit is 20 MB) could
 * not be sent anyway.
 */
export class StoreReadBudget {
  private bytesLeft = 32 * 1024 * 1024;
  private responsesLeft = 1_000;

  spend(bytes: number): void {
    this.bytesLeft -= bytes;
    this.responsesLeft -= 1;
    if (this.bytesLeft < 0 || this.responsesLeft < 0) {
      throw invalidRequest(
        "The stored conversation this request continues (previous_response_id, item_reference) is larger than one Gemini request can hold; start a new conversation or send a shorter input.",
        "previous_response_id",
      );
    }
  }
}

export async function loadStoredResponse(
  store: ResponseStore,
  id: string,
  budget?: StoreReadBudget,
): Promise<StoredResponse | undefined> {
  const stored = await store.get(id);
  if (stored === undefined) return undefined;
  budget?.spend(stored.bytes);
  const parsed = storedSchema.safeParse(stored.value);
  if (!parsed.success) return undefined;
  return {
    response: parsed.data.response as unknown as ResponseObject,
    input: itemsOf(parsed.data.input),
  };
}

export function responseNotFound(id: string, param: string | null = null): GatewayError {
  return new GatewayError({
    status: 404,
    type: "invalid_request_error",
    param,
    message: `Response with id '${id}' not found. Responses are kept only when created with 'store' true (the default), for 7 days.`,
  });
}

/**
 * The items of the conversation up to and including `previousResponseId`, oldest first: each stored
 * response's input, then its output. An unknown id, or a conversation whose older part is no longer
 * stored, is a 404 on `previous_response_id`.
 */
export async function conversationUpTo(
  store: ResponseStore,
  previousResponseId: string,
  budget: StoreReadBudget,
): Promise<ResponsesInputItem[]> {
  const chain: StoredResponse[] = [];
  for (let id: string | null | undefined = previousResponseId; id; ) {
    const stored = await loadStoredResponse(store, id, budget);
    if (stored === undefined) throw responseNotFound(id, "previous_response_id");
    chain.unshift(stored);
    id = stored.response.previous_response_id;
  }
  return chain.flatMap((stored) => [...stored.input, ...itemsOf(stored.response.output)]);
}

/**
 * The stored output items that `item_reference` entries name, by id (how the AI SDK sends back items of
 * a stored response). Ids the gateway did not make, or whose response is gone, are simply not found.
 */
export async function referencedItemsOf(
  store: ResponseStore,
  items: readonly ResponsesInputItem[],
  budget: StoreReadBudget,
): Promise<Map<string, ResponsesInputItem>> {
  const wanted = new Set(items.flatMap((item) => (item.type === "item_reference" ? [item.id] : [])));
  const found = new Map<string, ResponsesInputItem>();
  const responseIds = new Set([...wanted].flatMap((id) => responseIdOfItem(id) ?? []));
  for (const responseId of responseIds) {
    const stored = await loadStoredResponse(store, responseId, budget);
    for (const item of stored?.response.output ?? []) {
      if (!wanted.has(item.id)) continue;
      const [asInput] = itemsOf([item]);
      if (asInput !== undefined) found.set(item.id, asInput);
    }
  }
  return found;
}

/** Stored items as input items (an output item is a valid input item); any that are not are left out. */
function itemsOf(values: readonly unknown[]): ResponsesInputItem[] {
  return values.flatMap((value) => {
    const parsed = inputItemSchema.safeParse(value);
    return parsed.success ? [parsed.data] : [];
  });
}
