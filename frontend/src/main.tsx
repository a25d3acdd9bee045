import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { loadSession } from "./auth/session";
import { loadConfig } from "./config";
import { startI18n } from "./i18n";
import { chosenLanguage, pickLanguage } from "./i18n/language";
import "./styles.css";

const root = createRoot(document.getElementById("root") as HTMLElement);
const person = loadSession()?.person ?? null;
startI18n(pickLanguage(chosenLanguage(person?.person_id ?? null), person?.locale ?? null, navigator.languages));

loadConfig()
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
