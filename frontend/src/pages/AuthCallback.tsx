import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { usePlatform } from "../api/ApiContext";
import { useAuth } from "../auth/AuthContext";
import { userManager } from "../auth/oidc";
import { mainRole, readClaims, type Person } from "../auth/session";

/** The identity provider sends the browser back here with a code; it is exchanged (with the PKCE verifier). */
export function AuthCallback() {
  const { t } = useTranslation();
  const { config, apis } = usePlatform();
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const [failed, setFailed] = useState<string | null>(null);
  const started = useRef(false);

  useEffect(() => {
    if (config.auth.mode !== "oidc" || started.current) return;
    started.current = true; // a code is exchanged once, also when React runs effects twice
    const settings = config.auth;
    void (async () => {
      try {
        const user = await userManager(settings).signinRedirectCallback();
        const claims = readClaims(user.access_token, settings.role_claim);
        const role = mainRole(claims.roles);
        if (role === null) {
          setFailed(t("signIn.refused"));
          return;
        }
        // The roster says how the person is named, their team and locale; the provider's profile is the fallback.
        const found = await apis.goals.GET("/v1/people/{person_id}", {
          params: { path: { person_id: claims.sub } },
          headers: { Authorization: `Bearer ${user.access_token}` },
        });
        const roster = (found.data ?? {}) as Record<string, unknown>;
        const person: Person = {
          person_id: claims.sub,
          display_name: typeof roster.display_name === "string" ? roster.display_name : (user.profile.name ?? claims.sub),
          role,
          team_id: typeof roster.team_id === "string" ? roster.team_id : null,
          locale: typeof roster.locale === "string" ? roster.locale : (user.profile.locale ?? navigator.language),
        };
        signIn({ token: user.access_token, expires_at: claims.exp * 1000, person });
        const returnTo = typeof user.state === "string" && user.state.startsWith("/") ? user.state : "/";
        void navigate(returnTo, { replace: true });
      } catch (error) {
        setFailed(String(error));
      }
    })();
  }, [apis, config, navigate, signIn, t]);

  return (
    <main id="content" className="sign-in">
      <p role="status">{failed ?? t("signIn.callback")}</p>
    </main>
  );
}
