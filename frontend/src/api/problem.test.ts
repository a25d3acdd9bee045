import { describe, expect, it } from "vitest";
import { fieldErrors, isProblem } from "./problem";

const problem = {
  type: "about:blank",
  title: "Invalid request",
  status: 422,
  detail: "body.person_id: String should have at least 1 character",
  instance: "/v1/local-sign-in",
  code: null,
  ctx: null,
  errors: [
    { field: "body.person_id", message: "String should have at least 1 character", type: "string_too_short", ctx: null },
    { field: "body.metric.kinds", message: "List should have at least 1 item", type: "too_short", ctx: null },
    { field: "body.metric.kinds", message: "Unknown kind", type: "value_error", ctx: null },
    { field: "query.limit", message: "Input should be less than or equal to 200", type: "less_than_equal", ctx: null },
    { field: "body", message: "Field required", type: "missing", ctx: null },
  ],
};

describe("fieldErrors", () => {
  it("puts each reason on the form field it names, nested fields by their path", () => {
    expect(fieldErrors(problem)).toEqual({
      person_id: ["String should have at least 1 character"],
      "metric.kinds": ["List should have at least 1 item", "Unknown kind"],
      "": ["Input should be less than or equal to 200", "Field required"],
    });
  });

  it("has nothing to show for a problem without field errors", () => {
    expect(fieldErrors({ ...problem, errors: null })).toEqual({});
    expect(fieldErrors(null)).toEqual({});
  });
});

describe("isProblem", () => {
  it("tells a problem document from other bodies", () => {
    expect(isProblem(problem)).toBe(true);
    expect(isProblem({ detail: "Not Found" })).toBe(false);
    expect(isProblem("oops")).toBe(false);
  });
});
