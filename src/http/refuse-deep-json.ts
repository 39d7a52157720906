import { GatewayError } from "../errors.js";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../translate/json-depth.js";

/**
 * body-parser's `verify` hook for JSON bodies: refuses, with a 400, nesting deeper than `maxDepth`
 * before the body is parsed, so no recursion downstream ever meets it.
 */
export function refuseDeepJson(maxDepth = MAX_JSON_DEPTH) {
  return (_request: unknown, _response: unknown, body: Buffer): void => {
    if (!nestsDeeperThan(body, maxDepth)) return;
    throw new GatewayError({
      status: 400,
      code: "json_too_deep",
      message: `The request body nests objects or arrays more than ${maxDepth} levels deep.`,
    });
  };
}
