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

// A manager's first screen: its code is asked for beside config.json, not once the router has chosen it.
const path = window.location.pathname;
if (/^\/team(\/|$)/.test(path) || (path === "/" && person !== null && person.role !== "assistant")) {
  void loadTeamDashboard();
}

loadConfig(earlyRequests.takeConfig())
  .then((config) => {
    root.render(
      <StrictMode>
        <App config={config} />
      </StrictMode>,
    );
  })
  .catch((error: unknown) => {
    root.render(<p role="alert">{String(error)}</p>);
  });
