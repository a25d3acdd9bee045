// What every service answers alike (the shared audit and personal-data routes), reached by the service's name.
import type { Client } from "openapi-fetch";
import type { paths as GoalsPaths } from "../client/goals/schema";
import type { ServiceName } from "../config";
import type { Apis } from "./clients";

type SharedPaths = Pick<GoalsPaths, "/v1/audit" | "/v1/audit/export.csv" | "/v1/people/{person_id}/export">;

/** Each service's client, typed by the routes they all share (their OpenAPI documents declare them the same). */
export function shared(apis: Apis, service: ServiceName): Client<SharedPaths> {
  return apis[service];
}

/** Hands the browser a file to save, made here from what a request answered. */
export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}
