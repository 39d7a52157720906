/**
 * `GET /v1beta/models` (paged: `pageSize`, `pageToken`, no `nextPageToken` on the last page) and
 * `GET /v1beta/models/{model}` (reference §5).
 */
import { FakeHttpError, geminiErrors } from "../errors.js";
import type { RouteHandler } from "../exchange.js";
import { answer } from "../play-reply.js";
import { sendJson } from "../respond.js";

const MAX_PAGE_SIZE = 1000;

const encodePageToken = (offset: number) => Buffer.from(`offset:${offset}`).toString("base64url");

function decodePageToken(token: string): number {
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  if (!match) throw new FakeHttpError(geminiErrors.invalidArgument(`Invalid page token: ${token}`));
  return Number(match[1]);
}

export const handleListModels: RouteHandler = async (exchange, context) => {
  const requestedSize = Number.parseInt(exchange.query.get("pageSize") ?? "", 10);
  const pageSize = Math.min(
    MAX_PAGE_SIZE,
    Number.isFinite(requestedSize) && requestedSize > 0 ? requestedSize : context.defaultPageSize,
  );
  const token = exchange.query.get("pageToken");
  const offset = token ? decodePageToken(token) : 0;
  const models = context.catalog.list();
  const page = models.slice(offset, offset + pageSize);
  const next = offset + pageSize < models.length ? encodePageToken(offset + pageSize) : undefined;
  await answer(exchange, context, {
    model: undefined,
    onDefault: () =>
      sendJson(exchange, 200, { models: page.map((model) => model.wire), nextPageToken: next }),
  });
};

export const handleGetModel: RouteHandler = async (exchange, context) => {
  const id = exchange.route.model ?? "";
  const model = context.catalog.find(id);
  if (!model) throw new FakeHttpError(geminiErrors.modelNotFound(id, exchange.route.apiVersion));
  await answer(exchange, context, { model: model.id, onDefault: () => sendJson(exchange, 200, model.wire) });
};
