import { describe, expect, it } from "vitest";
import type { Problem } from "../api/problem";
import { bodyOf, draftOf, templateReasons } from "./templateForm";

const saved = {
  name: "monthly-summary",
  title: "Monthly summary",
  criteria: [{ key: "records", name: "Customer-record quality", weight: "30" }],
  goal_weight: "60",
  customer_rating_weight: "10",
  role_profile_id: null,
  scale: { minimum: 1, maximum: 5, labels: { "1": "Needs improvement" } },
  template_id: "monthly-summary:v2",
  version: 2,
  created_by: "hana",
  created_at: "2026-11-02T09:00:00Z",
};

describe("the review template form", () => {
  it("drafts the next version from the newest and keeps its name and scale", () => {
    const draft = draftOf(saved);
    draft.criteria.push({ key: " teamwork ", name: "Teamwork", weight: "20 " });
    const body = bodyOf({ ...draft, customer_rating_weight: "" }, saved);
    expect(body.name).toBe("monthly-summary");
    expect(body.criteria).toEqual([
      { key: "records", name: "Customer-record quality", weight: "30" },
      { key: "teamwork", name: "Teamwork", weight: "20" },
    ]);
    expect(body.customer_rating_weight).toBe("0");
    expect(body.scale).toEqual(saved.scale);
  });

  it("places the weights' total and repeated keys beside the parts of the form they concern", () => {
    const problem: Problem = {
      type: "about:blank",
      title: "Invalid request",
      status: 422,
      detail: "body: weights ...",
      instance: "/v1/templates",
      code: null,
      ctx: null,
      errors: [
        { field: "body", message: "weights: must sum to 100, they sum to 90", type: "template_weights_total", ctx: { total: "90" } },
        { field: "body", message: "criteria: each key must be unique", type: "criteria_keys_repeated", ctx: null },
      ],
    };
    expect(templateReasons(problem, "en")).toEqual({
      weights: ["weights: must sum to 100, they sum to 90"],
      criteria: ["criteria: each key must be unique"],
    });
    expect(templateReasons(problem, "zh-CN").weights).toEqual(["各项权重之和须为 100，当前为 90。"]);
    expect(templateReasons(null, "en")).toEqual({ weights: [], criteria: [] });
  });
});
