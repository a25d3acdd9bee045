import { describe, expect, it } from "vitest";
import { mainRole, readClaims } from "./session";

function token(claims: Record<string, unknown>): string {
  const encode = (value: unknown) =>
    btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
  return `${encode({ alg: "HS256" })}.${encode(claims)}.signature`;
}

describe("readClaims", () => {
  it("reads the subject, expiry and role from the token", () => {
    expect(readClaims(token({ sub: "ann", exp: 1700000000, role: "assistant" }))).toEqual({
      sub: "ann",
      exp: 1700000000,
      roles: ["assistant"],
    });
  });

  it("reads a list of roles from the claim the services are told to read, ignoring what is not a Pacer role", () => {
    const claims = readClaims(token({ sub: "李雷", exp: 1, groups: ["manager", "sales", "hr"] }), "groups");
    expect(claims.sub).toBe("李雷");
    expect(claims.roles).toEqual(["manager", "hr"]);
    expect(mainRole(claims.roles)).toBe("hr");
  });

  it("refuses what is not a token", () => {
    expect(() => readClaims("garbage")).toThrow();
    expect(() => readClaims(token({ role: "assistant" }))).toThrow("sub or exp");
  });
});
