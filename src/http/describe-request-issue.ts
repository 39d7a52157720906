import type { z } from "zod";

/**
 * The first problem zod found in a request body, said the way a person fixes it: the path of the bad
 * field (`messages[2].role`) and what is wrong with it. Shared by every protocol's request schema, so
 * a mistake reads the same whichever API the client speaks.
 */
export interface RequestIssue {
  /** The path of the bad field, `""` for the body itself. */
  param: string;
  message: string;
}

export function describeRequestIssue(error: z.ZodError, body: unknown): RequestIssue | undefined {
  const issue = error.issues[0];
  if (issue === undefined) return undefined;
  const deepest = deepestIssue(issue, []);
  const param = formatPath(deepest.path);
  return { param, message: describeIssue(deepest, valueAt(body, deepest.path), param) };
}

interface LocatedIssue {
  issue: z.core.$ZodIssue;
  path: PropertyKey[];
}

/**
 * A union reports "Invalid input" at its own level; the useful message is in the branch that got furthest
 * (for `content: [{type:"text"}]`, the array branch's `content[0].text`), or, at equal depth, in the
 * branch whose type matched (`tool_choice: "sometimes"` is a string with an unknown value).
 */
function deepestIssue(issue: z.core.$ZodIssue, parentPath: PropertyKey[]): LocatedIssue {
  const path = [...parentPath, ...issue.path];
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return { issue, path };
  let best: LocatedIssue | undefined;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first === undefined) continue;
    const candidate = deepestIssue(first, path);
    if (best === undefined || rank(candidate) > rank(best)) best = candidate;
  }
  if (best === undefined || rank(best) === path.length * 2) return { issue, path };
  return best;
}

/** Deeper is better; at the same depth, a branch whose type matched beats one of the wrong type. */
function rank(located: LocatedIssue): number {
  return located.path.length * 2 + (located.issue.code === "invalid_type" ? 0 : 1);
}

function describeIssue(located: LocatedIssue, value: unknown, param: string): string {
  const { issue } = located;
  const field = param === "" ? "The request body" : `'${param}'`;
  switch (issue.code) {
    case "invalid_type":
      if (value === undefined) return `${field} is required.`;
      return `${field} must be ${article(issue.expected)}, not ${describeValue(value)}.`;
    case "invalid_union": {
      const options = "options" in issue && Array.isArray(issue.options) ? issue.options : undefined;
      if (options !== undefined) {
        const allowed = options.map(String).join(", ");
        if (value === undefined) return `${field} is required; expected one of: ${allowed}.`;
        return `${field} has an unknown value ${JSON.stringify(value)}; expected one of: ${allowed}.`;
      }
      const expected = issue.errors.flatMap((branch) =>
        branch[0]?.code === "invalid_type" && branch[0].path.length === 0 ? [branch[0].expected] : [],
      );
      if (expected.length === issue.errors.length) {
        return `${field} must be ${expected.map(article).join(" or ")}, not ${describeValue(value)}.`;
      }
      return `${field} has an unsupported shape (${describeValue(value)}).`;
    }
    case "invalid_value":
      return `${field} has an unknown value ${JSON.stringify(value)}; expected one of: ${issue.values.map(String).join(", ")}.`;
    case "too_small":
      if (issue.origin === "array") return `${field} must contain at least ${issue.minimum} item(s).`;
      if (issue.origin === "string") return `${field} must not be empty.`;
      return `${field} must be at least ${issue.minimum}.`;
    case "too_big":
      if (issue.origin === "array") return `${field} must contain at most ${issue.maximum} item(s).`;
      return `${field} must be at most ${issue.maximum}.`;
    default:
      return `${field} is invalid: ${issue.message}.`;
  }
}

function article(typeName: string): string {
  return /^[aeiou]/.test(typeName) ? `an ${typeName}` : `a ${typeName}`;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return article(typeof value);
}

function formatPath(path: readonly PropertyKey[]): string {
  let formatted = "";
  for (const segment of path) {
    if (typeof segment === "number") formatted += `[${segment}]`;
    else formatted += formatted === "" ? String(segment) : `.${String(segment)}`;
  }
  return formatted;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}
