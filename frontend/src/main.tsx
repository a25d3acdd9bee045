import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { loadSession } from "./auth/session";
import { loadConfig } from "./config";
import { earlyRequests } from "./early";
import { startI18n } from "./i18n";
import { loadTeamDashboard } from "./pages";
import { chosenLanguage, pickLanguage } from "./i18n/language";
import "./styles.css";

const root = createRoot(document.getElementById("root") as HTMLElement);
const person = loadSession()?.person ?? null;
startI18n(pickLanguage(chosenLanguage(person?.person_id ?? null), person?.locale ?? null, navigator.languages));

// A manager's first screen: its code (which index.html asked for beside this entry) is waited for with config.json,
// so the page renders at once instead of through a loading fallback.
const path = window.location.pathname;
const opensDashboard = /^\/team(\/|$)/.test(path) || (path === "/" && person !== null && person.role !== "assistant");
const firstPage = opensDashboard ? loadTeamDashboard().catch(() => undefined) : undefined; // failing: loads in the route

Promise.all([loadConfig(earlyRequests.takeConfig()), firstPage])
  .then(([config]) => {
    root.render(
      <StrictMode>
        <App config={config} />
      </StrictMode>,
    );
  })
  .catch((error: unknown) => {
    root.render(<p role="alert">{String(error)}</p>);
  });
