import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App, type Seed } from "./App";
import { loadSession } from "./auth/session";
import { type ConsoleConfig, loadConfig } from "./config";
import { earlyRequests } from "./early";
import { startI18n } from "./i18n";
import { loadTeamDashboard } from "./pages";
import { teamDashboardKey, teamDashboardUrl } from "./pages/dashboardQuery";
import { chosenLanguage, pickLanguage } from "./i18n/language";
import "./styles.css";

const root = createRoot(document.getElementById("root") as HTMLElement);
const person = loadSession()?.person ?? null;
startI18n(pickLanguage(chosenLanguage(person?.person_id ?? null), person?.locale ?? null, navigator.languages));

// A manager's first screen: its code (which index.html asked for beside this entry) is waited for with config.json,
// so the page renders at once instead of through a loading fallback.
const path = window.location.pathname;
const opensDashboard = /^\/team(\/|$)/.test(path) || (path === "/" && person !== null && person.role !== "assistant");
/** The dashboard's answer, when the request index.html made for it has been answered by the time the code is here:
 * the first render shows the table instead of a loading text followed by a second render. Only for the exact URL
 * and token the page would ask with now; otherwise the page asks as usual. */
function dashboardArrived(config: ConsoleConfig): Seed[] {
  const session = loadSession();
  const team = /^\/team\/([^/]+)\/?$/.exec(path)?.[1];
  let teamId: string | null | undefined;
  try {
    teamId = team === undefined ? session?.person.team_id : decodeURIComponent(team);
  } catch {
    return []; // not a team the page can show either
  }
  if (!session || !teamId) return [];
  const body = earlyRequests.answered(teamDashboardUrl(config, teamId, window.location.href), `Bearer ${session.token}`);
  return body === undefined ? [] : [[teamDashboardKey(teamId), body]];
}

const firstPage = opensDashboard ? loadTeamDashboard().catch(() => undefined) : undefined; // failing: loads in the route

Promise.all([loadConfig(earlyRequests.takeConfig()), firstPage])
  .then(([config]) => {
    root.render(
      <StrictMode>
        <App config={config} seeds={opensDashboard ? dashboardArrived(config) : []} />
      </StrictMode>,
    );
  })
  .catch((error: unknown) => {
    root.render(<p role="alert">{String(error)}</p>);
  });
