// The team dashboard's query, named once: the page reads it, and the console's start may fill it from the answer
// index.html asked for early (main.tsx).
import type { ConsoleConfig } from "../config";

export function teamDashboardKey(teamId: string): readonly [string, string] {
  return ["team-dashboard", teamId];
}

/** The URL the dashboard of this team is read from, as index.html's inline script asks for it. */
export function teamDashboardUrl(config: ConsoleConfig, teamId: string, base: string): string {
  return new URL(`${config.apis.goals}/v1/teams/${encodeURIComponent(teamId)}/dashboard`, base).href;
}
