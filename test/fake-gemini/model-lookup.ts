/**
 * Finding the model a request names, with Google's 404 when it does not exist or lacks the method.
 */
import type { FakeModel, ModelCatalog } from "./catalog.js";
import { FakeHttpError, geminiErrors } from "./errors.js";
import type { RouteMatch } from "./exchange.js";

/**
 * The model of a request that names it in the path (or, for `route.model` undefined, `id`), else Google's
 * 404. `method` as Google names it there: streaming is reported as "generateContent".
 */
export function requireModel(
  catalog: ModelCatalog,
  route: RouteMatch,
  method: string,
  id = route.model ?? "",
): FakeModel {
  const model = catalog.find(id);
  if (!model?.supportedGenerationMethods.includes(method)) {
    throw new FakeHttpError(geminiErrors.notFound(id, method, route.apiVersion));
  }
  return model;
}

export function checkInputTokenLimit(model: FakeModel, inputTokens: number): void {
  if (inputTokens > model.inputTokenLimit) {
    throw new FakeHttpError(geminiErrors.contextOverflow(inputTokens, model.inputTokenLimit));
  }
}
