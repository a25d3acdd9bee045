// A 422's reasons in the reader's language: the services say them in English with a stable code (pydantic's error
// `type` with its `ctx`, or the service's own code for a rule of its domain), which is worded here.
import type { components } from "../client/goals/schema";

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
  // The reviews service's rules of a template and a cycle.
  template_weights_total: needs("total", (n) => `各项权重之和须为 100，当前为 ${n}。`),
  criteria_keys_repeated: () => "每个评估项的标识须唯一。",
  template_unknown: needs("template_name", (name) => `没有名为 ${name} 的模板。`),
  cycle_end_missing: () => "自定义周期需要不早于开始日期的结束日期。",
  cycle_population_empty: () => "名单中没有符合该团队、角色或人员列表的人。",
};

const WORDINGS: Record<string, Record<string, Wording>> = { "zh-CN": zhCN };

/** The reason as the reader's language says it; the service's own text when it is English or the code is unknown. */
export function reasonText(problem: { message: string; type: string; ctx?: Values | null }, language: string): string {
  const wording = WORDINGS[language]?.[problem.type];
  return wording?.(problem.ctx ?? {}) ?? problem.message;
}
