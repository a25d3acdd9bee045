// Requests index.html started before this code ran (its inline script): config.json, and the team dashboard's
// data when that page is the one opened. Each is handed over once, and only when it is exactly the request the
// console would make now; anything else is asked again in the ordinary way.

/** A GET index.html made, with the Authorization header it sent. */
export interface EarlyRequest {
  url: string;
  authorization: string;
  response: Promise<Response>;
  /** The answer's JSON, read from a copy as soon as it arrives (null unless it succeeded): the response itself is
   * left for the request it stands in for. */
  body?: Promise<unknown>;
}

export interface Early {
  /** Date.now() when the page started them. */
  started: number;
  config?: Promise<Response>;
  dashboard?: Promise<EarlyRequest>;
}

declare global {
  interface Window {
    pacerEarly?: Early;
  }
}

/** How long a request made at load may stand in for a new one: the page's first screen, never later data. */
export const EARLY_FOR_MS = 15_000;

export class EarlyRequests {
  private config: Promise<Response> | undefined;
  private pending: Promise<EarlyRequest>[];

  private readonly arrived: { url: string; authorization: string; body: unknown }[] = [];

  constructor(
    private readonly early: Early | undefined,
    private readonly now: () => number = Date.now,
    private readonly send: (input: Request) => Promise<Response> = (input) => globalThis.fetch(input),
  ) {
    this.config = early?.config;
    this.pending = early?.dashboard ? [early.dashboard] : [];
    // Noted as soon as each answer has been read, so that `answered` can tell without waiting.
    void early?.dashboard
      ?.then(async ({ url, authorization, body }) => {
        const read = await body;
        if (read !== null && read !== undefined) this.arrived.push({ url, authorization, body: read });
      })
      .catch(() => undefined);
  }

  /** The JSON of a successful answer index.html already has for a GET of this URL with this Authorization header,
   * if it has arrived by now (never waited for), within the time an early request may stand in for a new one. The
   * page can show it on its first render; the request itself is still handed over once by `fetch`. */
  answered(url: string, authorization: string): unknown {
    if (!this.fresh()) return undefined;
    return this.arrived.find((a) => a.url === url && a.authorization === authorization)?.body;
  }

  /** The config.json response index.html asked for, once. */
  takeConfig(): Promise<Response> | undefined {
    const config = this.config;
    this.config = undefined;
    return config;
  }

  /** A fetch that answers a GET with what index.html already asked for, when the URL and token match. */
  fetch = async (input: Request): Promise<Response> => {
    if (input.method === "GET" && this.pending.length > 0 && this.fresh()) {
      const pending = this.pending;
      this.pending = [];
      const made = await Promise.all(pending.map((p) => p.catch(() => null)));
      const same = made.find((m) => m?.url === input.url && m.authorization === input.headers.get("Authorization"));
      this.pending = made.filter((m): m is EarlyRequest => m !== null && m !== same).map((m) => Promise.resolve(m));
      if (same) return same.response;
    }
    return this.send(input);
  };

  private fresh(): boolean {
    const fresh = this.early !== undefined && this.now() - this.early.started < EARLY_FOR_MS;
    if (!fresh) this.pending = [];
    return fresh;
  }
}

export const earlyRequests = new EarlyRequests(typeof window === "undefined" ? undefined : window.pacerEarly);
