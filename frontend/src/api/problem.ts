// Errors the APIs answer as RFC 9457 problems, made into something a screen can show.
import type { components } from "../client/goals/schema";
import { reasonText } from "./reasons";

export type Problem = components["schemas"]["Problem"];

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;

  constructor(status: number, problem: Problem | null) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** A refusal's text in `language`: a 409's `code` worded there, else the service's own English `detail`. */
export function problemText(problem: Problem, language: string): string {
  if (!problem.code) return problem.detail;
  return reasonText({ message: problem.detail, type: problem.code, ctx: problem.ctx }, language);
}

export function isProblem(body: unknown): body is Problem {
  if (typeof body !== "object" || body === null) return false;
  const candidate = body as Record<string, unknown>;
  return typeof candidate.status === "number" && typeof candidate.title === "string";
}

/**
 * A 422's reasons by form field: `body.metric.kinds` is the field `metric.kinds`; what names no field of the body
 * (a query parameter, the whole body) is kept under "" so the form can still show it. Each reason is in `language`.
 */
export function fieldErrors(problem: Problem | null, language = "en"): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const error of problem?.errors ?? []) {
    const [where, ...path] = error.field.split(".");
    const field = where === "body" ? path.join(".") : "";
    (found[field] ??= []).push(reasonText(error, language));
  }
  return found;
}
