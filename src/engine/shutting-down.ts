import type { AnswerFailure } from "./answer-events.js";

/** What a client hears when the gateway closes under its started stream. */
export const SHUTTING_DOWN: AnswerFailure = {
  status: 503,
  code: "server_shutting_down",
  message: "The gateway is shutting down; the answer was cut short. Try again.",
};
