import { describe, expect, it } from "vitest";
import { fieldErrors } from "./problem";
import { reasonText } from "./reasons";

describe("reasonText", () => {
  it("words pydantic's reasons in Chinese from their type and values", () => {
    const tooShort = { message: "String should have at least 3 characters", type: "string_too_short", ctx: { min_length: 3 } };
    expect(reasonText(tooShort, "zh-CN")).toBe("至少需要 3 个字符。");
    expect(reasonText({ message: "Field required", type: "missing", ctx: null }, "zh-CN")).toBe("此项必填。");
    const positive = { message: "Input should be greater than 0", type: "greater_than", ctx: { gt: "0" } };
    expect(reasonText(positive, "zh-CN")).toBe("必须大于 0。");
  });

  it("words the services' own reasons by their code", () => {
    const tooLong = { message: "a goal's period is at most 366 days", type: "goal_period_too_long", ctx: { max_days: 366 } };
    expect(reasonText(tooLong, "zh-CN")).toBe("目标周期最长 366 天。");
    expect(reasonText({ message: "the goal ends before it starts", type: "goal_end_before_start" }, "zh-CN")).toBe(
      "结束日期早于开始日期。",
    );
  });

  it("keeps the service's text in English, for a code it does not know, and when a value it needs is missing", () => {
    const tooShort = { message: "String should have at least 3 characters", type: "string_too_short", ctx: { min_length: 3 } };
    expect(reasonText(tooShort, "en")).toBe("String should have at least 3 characters");
    expect(reasonText({ message: "Unknown kind", type: "value_error", ctx: { error: "Unknown kind" } }, "zh-CN")).toBe(
      "Unknown kind",
    );
    expect(reasonText({ message: "String should have at least 3 characters", type: "string_too_short" }, "zh-CN")).toBe(
      "String should have at least 3 characters",
    );
  });

  it("puts the Chinese reasons on the fields they name", () => {
    const problem = {
      type: "about:blank",
      title: "Invalid request",
      status: 422,
      detail: "body.target: Field required",
      instance: "/v1/goals",
      errors: [{ field: "body.target", message: "Field required", type: "missing", ctx: null }],
    };
    expect(fieldErrors(problem, "zh-CN")).toEqual({ target: ["此项必填。"] });
  });
});
