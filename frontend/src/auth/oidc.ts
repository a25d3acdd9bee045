// Production sign-in: OpenID Connect Authorization Code with PKCE against the company's identity provider.
// The access token is the RS256 JWT the services verify through the provider's JWKS.
import { UserManager, WebStorageStateStore } from "oidc-client-ts";
import type { OidcSettings } from "../config";

let manager: UserManager | null = null;

export function userManager(settings: OidcSettings): UserManager {
  manager ??= new UserManager({
    authority: settings.authority,
    client_id: settings.client_id,
    redirect_uri: `${window.location.origin}/auth/callback`,
    post_logout_redirect_uri: `${window.location.origin}/sign-in`,
    response_type: "code", // with PKCE, which oidc-client-ts adds to every code flow
    scope: settings.scope,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
  return manager;
}
