// One typed client per service, generated types only (src/client/<service>/schema.d.ts): every request carries
// the signed-in person's token, and a 401 from any of them ends the session.
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { paths as AnalyticsPaths } from "../client/analytics/schema";
import type { paths as ConnectorsPaths } from "../client/connectors/schema";
import type { paths as FeedbackPaths } from "../client/feedback/schema";
import type { paths as GoalsPaths } from "../client/goals/schema";
import type { paths as IncentivesPaths } from "../client/incentives/schema";
import type { paths as NotificationsPaths } from "../client/notifications/schema";
import type { paths as ReviewsPaths } from "../client/reviews/schema";
import type { ConsoleConfig } from "../config";
import { earlyRequests } from "../early";
import { ApiError, isProblem } from "./problem";

export interface Apis {
  goals: Client<GoalsPaths>;
  reviews: Client<ReviewsPaths>;
  feedback: Client<FeedbackPaths>;
  incentives: Client<IncentivesPaths>;
  notifications: Client<NotificationsPaths>;
  analytics: Client<AnalyticsPaths>;
  connectors: Client<ConnectorsPaths>;
}

export interface Credentials {
  token(): string | null;
  /** The token was refused (expired, or signed with a key the services no longer trust). */
  expired(): void;
}

export function createApis(config: ConsoleConfig, credentials: Credentials, early = earlyRequests): Apis {
  const auth: Middleware = {
    onRequest({ request }) {
      const token = credentials.token();
      if (token) request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401 && credentials.token()) credentials.expired();
      return response;
    },
  };
  function client<Paths extends object>(baseUrl: string): Client<Paths> {
    const made = createClient<Paths>({ baseUrl, fetch: early.fetch });
    made.use(auth);
    return made;
  }
  return {
    goals: client<GoalsPaths>(config.apis.goals),
    reviews: client<ReviewsPaths>(config.apis.reviews),
    feedback: client<FeedbackPaths>(config.apis.feedback),
    incentives: client<IncentivesPaths>(config.apis.incentives),
    notifications: client<NotificationsPaths>(config.apis.notifications),
    analytics: client<AnalyticsPaths>(config.apis.analytics),
    connectors: client<ConnectorsPaths>(config.apis.connectors),
  };
}

/** The body of a successful answer, or an ApiError carrying the problem the service answered. */
export async function answer<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok || data === undefined) {
    throw new ApiError(response.status, isProblem(error) ? error : null);
  }
  return data;
}
