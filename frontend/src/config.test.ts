import { describe, expect, it } from "vitest";
import { parseConfig } from "./config";

const apis = {
  goals: "https://pacer.example.com/goals/",
  reviews: "/reviews",
  feedback: "/feedback",
  incentives: "/incentives",
  notifications: "/notifications",
  analytics: "/analytics",
  connectors: "/connectors",
};

describe("parseConfig", () => {
  it("reads OpenID Connect settings with the defaults the services use, and each API without a trailing slash", () => {
    const config = parseConfig({ auth: { mode: "oidc", authority: "https://idp.example.com", client_id: "pacer" }, apis });
    expect(config.auth).toEqual({
      mode: "oidc",
      authority: "https://idp.example.com",
      client_id: "pacer",
      scope: "openid profile",
      role_claim: "role",
    });
    expect(config.apis.goals).toBe("https://pacer.example.com/goals");
    expect(config.refetch_seconds).toBe(5);
  });

  it("says what is wrong with a deployment's file", () => {
    expect(() => parseConfig({ auth: { mode: "local" }, apis: { ...apis, reviews: "" } })).toThrow("apis.reviews");
    expect(() => parseConfig({ auth: { mode: "oidc", client_id: "pacer" }, apis })).toThrow("auth.authority");
    expect(() => parseConfig({ auth: { mode: "saml" }, apis })).toThrow('"local" or "oidc"');
    expect(() => parseConfig({ auth: { mode: "local" }, apis, refetch_seconds: 0 })).toThrow("refetch_seconds");
    expect(() => parseConfig([])).toThrow("the document");
  });
});
