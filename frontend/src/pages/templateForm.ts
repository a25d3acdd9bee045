// The review template form: a draft from a saved version, the body of the next version, and where the service's
// reasons that name the whole template (its weights, its keys) belong on the form.
import type { Problem } from "../api/problem";
import { reasonText } from "../api/reasons";
import type { components } from "../client/reviews/schema";

type Template = components["schemas"]["TemplateOut"];
type TemplateBody = components["schemas"]["TemplateIn-Input"];

export interface TemplateDraft {
  title: string;
  criteria: { key: string; name: string; weight: string }[];
  goal_weight: string;
  customer_rating_weight: string;
}

export function draftOf(template: Template): TemplateDraft {
  return {
    title: template.title,
    criteria: template.criteria.map(({ key, name, weight }) => ({ key, name, weight })),
    goal_weight: template.goal_weight,
    customer_rating_weight: template.customer_rating_weight,
  };
}

/** The next version of `latest`: the draft's criteria and weights as typed (the service parses and checks them),
 * its scale and role profile kept. */
export function bodyOf(draft: TemplateDraft, latest: Template): TemplateBody {
  return {
    name: latest.name,
    title: draft.title,
    criteria: draft.criteria.map((c) => ({ key: c.key.trim(), name: c.name, weight: c.weight.trim() })),
    goal_weight: draft.goal_weight.trim(),
    customer_rating_weight: draft.customer_rating_weight.trim() || "0",
    role_profile_id: latest.role_profile_id ?? null,
    scale: latest.scale,
  };
}

/** The reasons about the template as a whole, by the part of the form they concern: the weights' total, the
 * criteria's keys. */
export function templateReasons(problem: Problem | null, language: string): { weights: string[]; criteria: string[] } {
  const found = { weights: [] as string[], criteria: [] as string[] };
  for (const error of problem?.errors ?? []) {
    if (error.type === "template_weights_total") found.weights.push(reasonText(error, language));
    if (error.type === "criteria_keys_repeated") found.criteria.push(reasonText(error, language));
  }
  return found;
}
