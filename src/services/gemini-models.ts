import type { Dispatcher } from "../dispatch/dispatch.js";
import { modelListPageShape, modelShape } from "../gemini/wire-shapes.js";
import type { GeminiModel } from "../gemini/wire-types.js";

/** Stop following `nextPageToken` after this many pages, whatever the upstream says. */
const MAX_PAGES = 50;

/**
 * Google's model list, read with a pool key: every page, or one model. Reading spends no generation
 * quota. A page that breaks on the way moves the whole listing to another key.
 */
export class GeminiModels {
  constructor(private readonly dispatcher: Pick<Dispatcher, "dispatch">) {}

  async list(signal: AbortSignal): Promise<GeminiModel[]> {
    const { value } = await this.dispatcher.dispatch({ model: undefined, signal }, async (upstream) => {
      const collected: GeminiModel[] = [];
      let pageToken: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const query = new URLSearchParams();
        if (pageToken) query.set("pageToken", pageToken);
        const body = await upstream.json(
          { method: "GET", path: "/v1beta/models", query },
          modelListPageShape,
        );
        for (const entry of body.models ?? []) {
          const model = modelShape.safeParse(entry);
          if (model.success) collected.push(model.data);
        }
        pageToken = body.nextPageToken;
        if (!pageToken) break;
      }
      return collected;
    });
    return value;
  }

  /** One model by its id (already checked by `geminiModelId`). */
  async get(id: string, signal: AbortSignal): Promise<GeminiModel> {
    const { value } = await this.dispatcher.dispatch({ model: undefined, signal }, (upstream) =>
      upstream.json({ method: "GET", path: `/v1beta/models/${encodeURIComponent(id)}` }, modelShape),
    );
    return value;
  }
}
