import type { z } from "zod";
import { invalidRequest } from "../errors.js";
import { describeRequestIssue } from "../http/describe-request-issue.js";

/** Reads an admin body or query by its schema; the first problem becomes a 400 naming the field. */
export function parseAdminInput<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = describeRequestIssue(parsed.error, value);
  throw invalidRequest(issue?.message ?? "invalid request", issue?.param || null);
}
