import type { ErrorEnvelope } from "../../http/error-envelope.js";
import { toAnthropicErrorBody } from "./errors.js";

/** How `/v1/messages` answers a failure before anything was sent (a bad token, a body that is not JSON…). */
export const anthropicErrorEnvelope: ErrorEnvelope = { body: toAnthropicErrorBody };
