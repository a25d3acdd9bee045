// The console's runtime configuration, served as /config.json beside the built files: the same build runs
// locally and in production, and only this file says where the APIs are and how people sign in.

export const SERVICES = ["goals", "reviews", "feedback", "incentives", "notifications", "analytics", "connectors"] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface OidcSettings {
  mode: "oidc";
  /** The identity provider's issuer URL (its /.well-known/openid-configuration is read from there). */
  authority: string;
  client_id: string;
  scope: string;
  /** The access-token claim holding the Pacer role, as the services read it (PACER_JWT_ROLE_CLAIM). */
  role_claim: string;
}

export interface LocalSettings {
  mode: "local";
}

export interface ConsoleConfig {
  auth: LocalSettings | OidcSettings;
  apis: Record<ServiceName, string>;
  /** How often screens that follow live progress read it again. */
  refetch_seconds: number;
}

export class ConfigError extends Error {}

function text(value: unknown, where: string): string {
  if (typeof value !== "string" || value === "") throw new ConfigError(`config.json: ${where} must be a non-empty string`);
  return value;
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigError(`config.json: ${where} must be an object`);
  }
  return value as Record<string, unknown>;
}

/** Checks what the server sent, so a wrong deployment says what is wrong instead of failing later. */
export function parseConfig(raw: unknown): ConsoleConfig {
  const root = record(raw, "the document");
  const auth = record(root.auth, "auth");
  const apisIn = record(root.apis, "apis");
  const apis = Object.fromEntries(
    SERVICES.map((service) => [service, text(apisIn[service], `apis.${service}`).replace(/\/+$/, "")]),
  ) as Record<ServiceName, string>;
  const refetch = root.refetch_seconds ?? 5;
  if (typeof refetch !== "number" || !(refetch >= 1)) throw new ConfigError("config.json: refetch_seconds must be ≥ 1");
  if (auth.mode === "local") return { auth: { mode: "local" }, apis, refetch_seconds: refetch };
  if (auth.mode === "oidc") {
    return {
      auth: {
        mode: "oidc",
        authority: text(auth.authority, "auth.authority"),
        client_id: text(auth.client_id, "auth.client_id"),
        scope: typeof auth.scope === "string" ? auth.scope : "openid profile",
        role_claim: typeof auth.role_claim === "string" ? auth.role_claim : "role",
      },
      apis,
      refetch_seconds: refetch,
    };
  }
  throw new ConfigError('config.json: auth.mode must be "local" or "oidc"');
}

/** Reads config.json, or takes over the request index.html already made for it. */
export async function loadConfig(early?: Promise<Response>): Promise<ConsoleConfig> {
  const response = await (early ?? fetch("/config.json", { cache: "no-store" }));
  if (!response.ok) throw new ConfigError(`config.json: the server answered ${response.status}`);
  return parseConfig(await response.json());
}
