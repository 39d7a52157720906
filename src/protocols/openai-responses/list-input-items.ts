import { z } from "zod";
import { invalidRequest } from "../../errors.js";
import type { ResponsesInputItem } from "./request-schema.js";

/**
 * `GET /v1/responses/{id}/input_items`: the input a stored response answered, as OpenAI lists it: one
 * page of items (`limit` 1-100, default 20), newest first unless `order=asc`, with `after` / `before`
 * cursors naming an item id. Items a client sent without an id get one here, derived from the response and
 * the item's place in it, so the same item has the same id on every call and cursors keep working.
 */
export interface InputItemList {
  object: "list";
  data: Array<Record<string, unknown>>;
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

const querySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  order: z.enum(["asc", "desc"]).default("desc"),
  after: z.string().min(1).optional(),
  before: z.string().min(1).optional(),
});

export function listInputItems(
  responseId: string,
  items: readonly ResponsesInputItem[],
  query: Record<string, unknown>,
): InputItemList {
  const parsed = querySchema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = String(issue?.path[0] ?? "limit");
    throw invalidRequest(
      param === "order"
        ? "'order' must be 'asc' or 'desc'."
        : param === "limit"
          ? "'limit' must be a whole number from 1 to 100."
          : `'${param}' must be an item id.`,
      param,
    );
  }
  const { limit, order, after, before } = parsed.data;
  const include = [query.include, query["include[]"]].flat();
  const withCarriers = include.includes("reasoning.encrypted_content");

  const key = responseId.slice("resp_".length);
  const listed = items.flatMap((item, position) => listedItem(item, `${key}_in${position}`, withCarriers));
  if (order === "desc") listed.reverse();

  let start = 0;
  let end = listed.length;
  if (after !== undefined) start = positionOf(listed, after, "after") + 1;
  if (before !== undefined) end = positionOf(listed, before, "before");
  const window = listed.slice(start, Math.max(start, end));
  const data = window.slice(0, limit);
  return {
    object: "list",
    data,
    first_id: idOf(data[0]),
    last_id: idOf(data.at(-1)),
    has_more: window.length > data.length,
  };
}

function positionOf(listed: ReadonlyArray<Record<string, unknown>>, id: string, param: string): number {
  const position = listed.findIndex((item) => item.id === id);
  if (position < 0) throw invalidRequest(`No input item with id '${id}' in this response.`, param);
  return position;
}

function idOf(item: Record<string, unknown> | undefined): string | null {
  return typeof item?.id === "string" ? item.id : null;
}

/**
 * One stored input item in OpenAI's listed shape (an id and a status on each; a message's text content
 * as `input_text` parts). Items the gateway keeps only as a placeholder (a type it does not read) are
 * left out: it kept nothing of them to show. A reasoning item's `encrypted_content` (the gateway's
 * thought-signature carrier) is shown only when `include` asks for it, as on the response itself.
 */
function listedItem(
  item: ResponsesInputItem,
  suffix: string,
  withCarriers: boolean,
): Array<Record<string, unknown>> {
  switch (item.type) {
    case "message": {
      const { id, content, ...rest } = item;
      const parts =
        typeof content === "string"
          ? [{ type: item.role === "assistant" ? "output_text" : "input_text", text: content }]
          : content;
      return [{ ...rest, id: id ?? `msg_${suffix}`, status: "completed", content: parts }];
    }
    case "function_call":
    case "custom_tool_call": {
      const prefix = item.type === "function_call" ? "fc" : "ctc";
      return [{ ...withoutNullish(item), id: item.id ?? `${prefix}_${suffix}`, status: "completed" }];
    }
    case "function_call_output":
    case "custom_tool_call_output": {
      const prefix = item.type === "function_call_output" ? "fco" : "ctco";
      return [{ ...withoutNullish(item), id: `${prefix}_${suffix}`, status: "completed" }];
    }
    case "reasoning": {
      const { encrypted_content: carrier, ...rest } = item;
      return [
        {
          ...withoutNullish(rest),
          ...(withCarriers && carrier ? { encrypted_content: carrier } : {}),
          id: item.id ?? `rs_${suffix}`,
          summary: (item.summary ?? []).map((part) => ({ type: "summary_text", text: part.text ?? "" })),
        },
      ];
    }
    default:
      return [];
  }
}

function withoutNullish<T extends object>(item: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(item).filter(([, value]) => value !== null && value !== undefined),
  ) as Partial<T>;
}
