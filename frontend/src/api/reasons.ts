// A 422's reasons and a 409's refusal in the reader's language: the services say them in English with a stable code
// (pydantic's error `type` with its `ctx`, the service's own code for a rule of its domain, a 409's `code` with its
// `ctx`), which is worded here.
import type { components } from "../client/goals/schema";
import { zhCN as zhCNTexts } from "../i18n/zh-CN";

export type FieldProblem = components["schemas"]["FieldProblem"];
type Values = NonNullable<FieldProblem["ctx"]>;
/** The reason worded from its values; null when a value it needs is absent (the service's text is shown). */
type Wording = (ctx: Values) => string | null;

const needs =
  (key: string, words: (value: string | number) => string): Wording =>
  (ctx) => {
    const value = ctx[key];
    return value === undefined ? null : words(value);
  };

const GOAL_STATUS: Record<string, string> = {
  draft: "是草稿",
  active: "正在进行",
  achieved: "已达成",
  missed: "未达成",
  cancelled: "已取消",
};
const goalStatus = (status: string | number) => GOAL_STATUS[String(status)] ?? `状态为 ${status}`;
const ACTION: Record<string, string> = { adjusted: "调整", cancelled: "取消" };
const REVIEW_STATUS: Record<string, string> = {
  self_assessment: "还在等自评",
  manager_assessment: "还在等经理评估",
  completed: "已完成",
  acknowledged: "已确认",
};
const reviewStatus = (status: string | number) => REVIEW_STATUS[String(status)] ?? `状态为 ${status}`;
const action = (what: string | number) => ACTION[String(what)] ?? String(what);
const CHANNEL: Record<string, string> = zhCNTexts.preferences.channels;
const channelName = (channel: string | number) => CHANNEL[String(channel)] ?? String(channel);

const zhCN: Record<string, Wording> = {
  missing: () => "此项必填。",
  string_too_short: needs("min_length", (n) => `至少需要 ${n} 个字符。`),
  string_too_long: needs("max_length", (n) => `最多 ${n} 个字符。`),
  string_type: () => "请填写文字。",
  string_pattern_mismatch: () => "格式不正确。",
  too_short: needs("min_length", (n) => `至少需要 ${n} 项。`),
  too_long: needs("max_length", (n) => `最多 ${n} 项。`),
  greater_than: needs("gt", (n) => `必须大于 ${n}。`),
  greater_than_equal: needs("ge", (n) => `必须大于或等于 ${n}。`),
  less_than: needs("lt", (n) => `必须小于 ${n}。`),
  less_than_equal: needs("le", (n) => `必须小于或等于 ${n}。`),
  multiple_of: needs("multiple_of", (n) => `必须是 ${n} 的倍数。`),
  int_parsing: () => "请填写整数。",
  int_type: () => "请填写整数。",
  int_from_float: () => "请填写整数。",
  float_parsing: () => "请填写数字。",
  decimal_parsing: () => "请填写数字。",
  decimal_type: () => "请填写数字。",
  decimal_max_places: needs("decimal_places", (n) => `小数最多 ${n} 位。`),
  bool_parsing: () => "请选择是或否。",
  date_parsing: () => "请填写有效的日期。",
  date_from_datetime_parsing: () => "请填写有效的日期。",
  datetime_parsing: () => "请填写有效的日期和时间。",
  datetime_from_date_parsing: () => "请填写有效的日期和时间。",
  time_parsing: () => "请填写有效的时间。",
  timezone_aware: () => "请填写带时区的时间。",
  enum: needs("expected", (values) => `请从以下选项中选择：${String(values)}。`),
  literal_error: needs("expected", (values) => `请从以下选项中选择：${String(values)}。`),
  extra_forbidden: () => "不接受此字段。",
  // The goals service's own rules of a goal's period.
  goal_end_missing: () => "一次性目标需要结束日期（或选择重复周期）。",
  goal_end_before_start: () => "结束日期早于开始日期。",
  goal_period_too_long: needs("max_days", (n) => `目标周期最长 ${n} 天。`),
  // The goals service's rules of adjusting, activating, cancelling and analysing a goal, and of check-ins.
  goal_not_open: needs("status", (status) => `只有进行中的目标可以调整；此目标${goalStatus(status)}。`),
  goal_not_draft: needs("status", (status) => `只有草稿目标可以激活；此目标${goalStatus(status)}。`),
  goal_not_cancellable: needs("status", (status) => `此目标${goalStatus(status)}，不能取消。`),
  goal_period_over: (ctx) =>
    ctx.action === undefined ? "目标周期已经结束。" : `目标周期已经结束，不能再${action(ctx.action)}，只等结算。`,
  goal_not_missed: () => "只有未达成的目标需要原因分析。",
  adjustment_changes_nothing: () => "调整需要修改目标值、结束日期或两者。",
  adjustment_end_not_ahead: () => "新的结束日期必须晚于现在和开始日期。",
  adjustment_pending: () => "已有一项调整在等待审批。",
  checkin_goal_unknown: needs("goals", (goals) => `这些目标不属于本次签到：${goals}。`),
  checkin_no_open_goals: () => "此人没有进行中的目标，无法签到。",
  // The feedback service's rules.
  person_not_in_organisation: () => "此人不在你的组织中。",
  feedback_to_self: () => "反馈要给别人，不能给自己。",
  due_not_ahead: () => "截止时间必须在将来。",
  // The incentives service's rules.
  kudos_to_self: () => "点赞要给别人，不能给自己。",
  value_unknown: needs("known", (known) => `不是公司的价值观之一（可选：${known}）。`),
  // The reviews service's rules of an assessment's ratings.
  ratings_unknown_criteria: needs("criteria", (criteria) => `模板中没有这些评估项：${criteria}。`),
  ratings_outside_scale: (ctx) =>
    ctx.min === undefined || ctx.max === undefined ? null : `评分须在 ${ctx.min}–${ctx.max} 之间。`,
  ratings_missing: needs("criteria", (criteria) => `经理需要为每一项评分；还缺：${criteria}。`),
  // The reviews service's rules of a template and a cycle.
  template_weights_total: needs("total", (n) => `各项权重之和须为 100，当前为 ${n}。`),
  criteria_keys_repeated: () => "每个评估项的标识须唯一。",
  template_unknown: needs("template_name", (name) => `没有名为 ${name} 的模板。`),
  cycle_end_missing: () => "自定义周期需要不早于开始日期的结束日期。",
  cycle_population_empty: () => "名单中没有符合该团队、角色或人员列表的人。",
  // The reviews service's rules of retired courses and programmes.
  course_retired: needs("course", (course) => `课程“${course}”已停用；恢复后才能再分配。`),
  programme_retired: needs("programme", (programme) => `培训计划“${programme}”已停用；恢复后才能再分配。`),
  programme_courses_retired: needs("programme", (programme) => `培训计划“${programme}”的课程都已停用。`),
  // Refusals (409) by the state things are in now.
  changed_meanwhile: () => "刚才有人同时做了修改；请重新读取后再试。",
  checkin_answered: () => "这次签到已经回答过了。",
  statement_frozen: () => "此奖金单已最终批准并冻结；之后的变动会进入新的奖金单。",
  statement_manager_first: () => "须先由此人的经理批准，然后才轮到人力资源。",
  statement_hr_next: () => "经理已经批准；下一步由人力资源批准。",
  statement_second_approver: () => "第二次批准须由第一次批准人以外的人进行。",
  kudos_budget_used: (ctx) =>
    ctx.budget === undefined ? "本月的点赞额度已用完，下月重置。" : `本月的 ${ctx.budget} 次点赞额度已用完，下月重置。`,
  plan_versions_overlap: needs("version", (n) => `与第 ${n} 版的生效期重叠；各版本的生效期不能重叠。`),
  plan_version_calculated: needs("version", (n) => `第 ${n} 版在新版本开始之后的周期已有奖金单；请让新版本晚些开始。`),
  review_completed: () => "评估已完成，不能再修改。",
  self_assessment_submitted: () => "自评已经提交过了。",
  manager_assessment_early: () => "经理评估须在自评之后，或自评截止之后进行。",
  review_not_completed: needs("status", (status) => `只有已完成的评估可以确认；此评估${reviewStatus(status)}。`),
  training_completed: () => "这项培训已经完成了。",
  cycle_open: () => "此评估周期已经开启。",
  minutes_recorded: () => "这次会议的纪要已经记录过了；每次会议只记录一份纪要。",
  action_item_done: () => "这项待办已经完成了。",
  meeting_cancelled: () => "此会议已取消；如需开会，请重新安排一个。",
  delivery_delivered: () => "这条通知已经送达，不再重发。",
  delivery_sending: () => "这条通知正在发送中。",
  message_delivered: needs("channel", (channel) => `这条消息已经通过${channelName(channel)}送达，不再重发。`),
  message_sending: needs("channel", (channel) => `这条消息正在通过${channelName(channel)}发送。`),
};

const WORDINGS: Record<string, Record<string, Wording>> = { "zh-CN": zhCN };

/** The reason as the reader's language says it; the service's own text when it is English or the code is unknown. */
export function reasonText(problem: { message: string; type: string; ctx?: Values | null }, language: string): string {
  const wording = WORDINGS[language]?.[problem.type];
  return wording?.(problem.ctx ?? {}) ?? problem.message;
}
