// The console's main navigation: which screens each role has, and for hr, under which part of the work.
import type { Role } from "../auth/session";

export interface NavItem {
  to: string;
  label: string;
}

/** Entries under a name (`label`), or, with none, simply listed. */
export interface NavGroup {
  key: string;
  label: string | null;
  items: NavItem[];
}

const preferences: NavItem = { to: "/notifications", label: "nav.preferences" };

/** The screens each role works in; the services decide what each may see on them. */
function navigation(role: Role, teamId: string | null): NavItem[] {
  const team = { to: teamId ? `/team/${encodeURIComponent(teamId)}` : "/team", label: "nav.team" };
  const feedback = { to: "/feedback", label: "nav.feedback" };
  const bonus = { to: "/bonus", label: "nav.bonus" };
  const reviews = { to: "/reviews", label: "nav.reviews" };
  const anonymous = { to: "/anonymous", label: "nav.anonymous" };
  const recognition = { to: "/recognition", label: "nav.recognition" };
  const trends = { to: "/trends", label: "nav.trends" };
  const checkins = { to: "/check-ins", label: "nav.checkins" };
  const meetings = { to: "/meetings", label: "nav.meetings" };
  const duties = { to: "/duties", label: "nav.duties" };
  if (role === "assistant") {
    const own = [{ to: "/my-week", label: "nav.myWeek" }, checkins, { to: "/set-goal", label: "nav.proposeGoal" }];
    return [...own, trends, reviews, duties, meetings, { to: "/training", label: "nav.myTraining" }, feedback, anonymous, recognition, bonus];
  }
  if (role === "manager") {
    const goals = [{ to: "/team-goals", label: "nav.teamGoals" }, { to: "/set-goal", label: "nav.setGoal" }];
    const oneOnOne = { to: "/one-on-one", label: "nav.oneOnOne" };
    return [team, trends, ...goals, checkins, reviews, duties, oneOnOne, meetings, feedback, anonymous, recognition, bonus];
  }
  const cycles = { to: "/reviews", label: "nav.cycles" };
  const templates = { to: "/review-templates", label: "nav.reviewTemplates" };
  const privacy = [
    { to: "/people", label: "nav.people" },
    { to: "/audit", label: "nav.audit" },
    { to: "/personal-data", label: "nav.personData" },
  ];
  if (role === "hr") {
    const plans = { to: "/bonus-plans", label: "nav.bonusPlans" };
    const promotions = { to: "/promotions", label: "nav.promotions" };
    const training = { to: "/training", label: "nav.training" };
    return [team, trends, cycles, templates, promotions, duties, meetings, training, feedback, anonymous, plans, bonus, ...privacy];
  }
  return [team, cycles, templates, ...privacy, { to: "/deliveries", label: "nav.deliveries" }];
}

/** hr works in most of the screens, so its entries come in named groups by the part of the work; the other roles'
 * fewer ones are one list. */
const HR_GROUPS: { key: string; paths: string[] }[] = [
  { key: "mine", paths: ["/feedback", "/meetings", "/notifications"] },
  { key: "team", paths: ["/team", "/trends"] },
  { key: "reviews", paths: ["/reviews", "/review-templates", "/promotions", "/duties", "/anonymous"] },
  { key: "pay", paths: ["/bonus-plans", "/bonus"] },
  { key: "learning", paths: ["/training"] },
  { key: "admin", paths: ["/people", "/audit", "/personal-data"] },
];

export function navigationGroups(role: Role, teamId: string | null): NavGroup[] {
  const items = [...navigation(role, teamId), preferences];
  if (role !== "hr") return [{ key: "all", label: null, items }];
  const group = (item: NavItem) =>
    HR_GROUPS.find((g) => g.paths.some((path) => item.to === path || item.to.startsWith(`${path}/`)))?.key;
  const groups = HR_GROUPS.map(({ key }) => ({ key, label: `nav.groups.${key}`, items: items.filter((item) => group(item) === key) }));
  const rest = items.filter((item) => group(item) === undefined);
  return [...groups, ...(rest.length ? [{ key: "other", label: null, items: rest }] : [])].filter((g) => g.items.length > 0);
}
