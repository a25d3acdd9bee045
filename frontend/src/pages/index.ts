// Each page in a chunk of its own, loaded when its route is first shown: the first screen parses its own code and
// the shell's, not every other screen's (bench/PERFORMANCE.md, the console).
import { type ComponentType, createElement, use } from "react";
import { loader } from "./loader";

/** A page read with `use` from its loader, not `React.lazy`, which suspends on its first render even when the code is
 * already there. */
function page<Name extends string>(load: () => Promise<Record<Name, ComponentType>>, name: Name): ComponentType {
  const module = loader(load);
  function Page() {
    return createElement(use(module())[name]);
  }
  Page.displayName = name;
  return Page;
}

/** The team dashboard's code, asked for as soon as the console starts on it (main.tsx), and waited for before the
 * first render there: index.html has already asked for it beside the entry. */
export const loadTeamDashboard = loader(() => import("./TeamDashboard"));

export const AnonymousFeedback = page(() => import("./AnonymousFeedback"), "AnonymousFeedback");
export const AuditTrail = page(() => import("./AuditTrail"), "AuditTrail");
export const AuthCallback = page(() => import("./AuthCallback"), "AuthCallback");
export const BonusPlans = page(() => import("./BonusPlans"), "BonusPlans");
export const BonusStatements = page(() => import("./BonusStatements"), "BonusStatements");
export const CheckIns = page(() => import("./CheckIns"), "CheckIns");
export const Deliveries = page(() => import("./Deliveries"), "Deliveries");
export const Duties = page(() => import("./Duties"), "Duties");
export const Meetings = page(() => import("./Meetings"), "Meetings");
export const MyFeedback = page(() => import("./MyFeedback"), "MyFeedback");
export const MyWeek = page(() => import("./MyWeek"), "MyWeek");
export const NotificationPreferences = page(() => import("./NotificationPreferences"), "NotificationPreferences");
export const OneOnOne = page(() => import("./OneOnOne"), "OneOnOne");
export const People = page(() => import("./People"), "People");
export const PersonData = page(() => import("./PersonData"), "PersonData");
export const Promotions = page(() => import("./Promotions"), "Promotions");
export const Recognition = page(() => import("./Recognition"), "Recognition");
export const Reviews = page(() => import("./Reviews"), "Reviews");
export const ReviewTemplates = page(() => import("./ReviewTemplates"), "ReviewTemplates");
export const SetGoal = page(() => import("./SetGoal"), "SetGoal");
export const SignIn = page(() => import("./SignIn"), "SignIn");
export const TeamDashboard = page(loadTeamDashboard, "TeamDashboard");
export const TeamGoals = page(() => import("./TeamGoals"), "TeamGoals");
export const Training = page(() => import("./Training"), "Training");
export const TrendsHome = page(() => import("./Trends"), "TrendsHome");
export const TeamTrends = page(() => import("./Trends"), "TeamTrends");
export const AssistantTrends = page(() => import("./Trends"), "AssistantTrends");
