import { describe, expect, it } from "vitest";
import { fieldErrors, problemText, type Problem } from "./problem";
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

  it("words the refusals of the goals, feedback, incentives and reviews forms by their code", () => {
    const notOpen = { message: "only an open goal can be adjusted; this one is missed", type: "goal_not_open", ctx: { status: "missed" } };
    expect(reasonText(notOpen, "zh-CN")).toBe("只有进行中的目标可以调整；此目标未达成。");
    const over = { message: "the goal's period has ended", type: "goal_period_over", ctx: { action: "cancelled" } };
    expect(reasonText(over, "zh-CN")).toBe("目标周期已经结束，不能再取消，只等结算。");
    expect(reasonText({ message: "the goal's period has already ended", type: "goal_period_over" }, "zh-CN")).toBe(
      "目标周期已经结束。",
    );
    expect(reasonText({ message: "an adjustment is already waiting", type: "adjustment_pending" }, "zh-CN")).toBe(
      "已有一项调整在等待审批。",
    );
    expect(reasonText({ message: "feedback goes to someone else", type: "feedback_to_self" }, "zh-CN")).toBe(
      "反馈要给别人，不能给自己。",
    );
    const value = { message: "'x' is not one of the company values (teamwork)", type: "value_unknown", ctx: { known: "teamwork" } };
    expect(reasonText(value, "zh-CN")).toBe("不是公司的价值观之一（可选：teamwork）。");
    const scale = { message: "quality outside the scale 1-5", type: "ratings_outside_scale", ctx: { criteria: "quality", min: 1, max: 5 } };
    expect(reasonText(scale, "zh-CN")).toBe("评分须在 1–5 之间。");
    expect(reasonText({ ...scale, ctx: { criteria: "quality" } }, "zh-CN")).toBe(scale.message);
    const retired = { message: "course 'quiz' is retired", type: "course_retired", ctx: { course: "Pricing quiz" } };
    expect(reasonText(retired, "zh-CN")).toBe("课程“Pricing quiz”已停用；恢复后才能再分配。");
    const programme = { message: "programme 'Launch' is retired", type: "programme_retired", ctx: { programme: "Launch" } };
    expect(reasonText(programme, "zh-CN")).toBe("培训计划“Launch”已停用；恢复后才能再分配。");
    expect(reasonText(notOpen, "en")).toBe(notOpen.message);
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
      code: null,
      ctx: null,
      errors: [{ field: "body.target", message: "Field required", type: "missing", ctx: null }],
    };
    expect(fieldErrors(problem, "zh-CN")).toEqual({ target: ["此项必填。"] });
  });
});

describe("problemText", () => {
  const refusal = (code: string | null, ctx: Problem["ctx"] = null): Problem => ({
    type: "about:blank",
    title: "Conflict",
    status: 409,
    detail: "the manager has approved; hr approves next",
    instance: "/v1/statements/s-1/approve",
    errors: null,
    code,
    ctx,
  });

  it("words a 409's refusal in Chinese from its code and values", () => {
    expect(problemText(refusal("statement_hr_next"), "zh-CN")).toBe("经理已经批准；下一步由人力资源批准。");
    expect(problemText(refusal("kudos_budget_used", { budget: 5, month: "2026-12" }), "zh-CN")).toBe(
      "本月的 5 次点赞额度已用完，下月重置。",
    );
    expect(problemText(refusal("review_not_completed", { status: "self_assessment" }), "zh-CN")).toBe(
      "只有已完成的评估可以确认；此评估还在等自评。",
    );
  });

  it("words the refusals of a meeting's minutes and changes and of a delivery's retry in Chinese", () => {
    expect(problemText(refusal("minutes_recorded", { occurrence_start: "2026-12-07T09:00:00+00:00" }), "zh-CN")).toBe(
      "这次会议的纪要已经记录过了；每次会议只记录一份纪要。",
    );
    expect(problemText(refusal("meeting_cancelled"), "zh-CN")).toBe("此会议已取消；如需开会，请重新安排一个。");
    expect(problemText(refusal("delivery_delivered"), "zh-CN")).toBe("这条通知已经送达，不再重发。");
    expect(problemText(refusal("message_sending", { channel: "feishu" }), "zh-CN")).toBe("这条消息正在通过飞书发送。");
    expect(problemText(refusal("message_delivered"), "zh-CN")).toBe("the manager has approved; hr approves next");
  });

  it("keeps the service's English text in English, for a code it does not know, or without a code", () => {
    expect(problemText(refusal("statement_hr_next"), "en")).toBe("the manager has approved; hr approves next");
    expect(problemText(refusal("something_new"), "zh-CN")).toBe("the manager has approved; hr approves next");
    expect(problemText(refusal(null), "zh-CN")).toBe("the manager has approved; hr approves next");
  });
});
