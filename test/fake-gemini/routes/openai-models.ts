/**
 * `GET /v1beta/openai/models[/{model}]`: the catalog in OpenAI's list shape. Google lists ids with their
 * `models/` prefix here.
 */
import type { FakeModel } from "../catalog.js";
import { FakeHttpError, geminiErrors } from "../errors.js";
import type { RouteHandler } from "../exchange.js";
import { answer } from "../play-reply.js";
import { sendJson } from "../respond.js";

const toOpenAIModel = (model: FakeModel) => ({
  id: `models/${model.id}`,
  object: "model",
  owned_by: "google",
});

export const handleOpenAIListModels: RouteHandler = async (exchange, context) => {
  await answer(exchange, context, {
    model: undefined,
    onDefault: () =>
      sendJson(exchange, 200, { data: context.catalog.list().map(toOpenAIModel), object: "list" }),
  });
};

export const handleOpenAIGetModel: RouteHandler = async (exchange, context) => {
  const id = (exchange.route.model ?? "").replace(/^models\//, "");
  const model = context.catalog.find(id);
  if (!model) throw new FakeHttpError(geminiErrors.modelNotFound(id, exchange.route.apiVersion));
  await answer(exchange, context, {
    model: model.id,
    onDefault: () => sendJson(exchange, 200, toOpenAIModel(model)),
  });
};
