import { describe, expect, it } from "vitest";
import { EARLY_FOR_MS, type Early, EarlyRequests } from "./early";

const URL_ = "http://127.0.0.1:8000/v1/teams/t0/dashboard";

function earlyDashboard(authorization = "Bearer one", started = 1_000): Early {
  return {
    started,
    config: Promise.resolve(new Response("{}")),
    dashboard: Promise.resolve({ url: URL_, authorization, response: Promise.resolve(new Response("early")) }),
  };
}

function requests(early: Early | undefined, now = 2_000) {
  const sent: string[] = [];
  const made = new EarlyRequests(early, () => now, (input) => {
    sent.push(input.url);
    return Promise.resolve(new Response("asked again"));
  });
  return { made, sent };
}

function get(url = URL_, authorization = "Bearer one"): Request {
  return new Request(url, { headers: { Authorization: authorization } });
}

describe("requests index.html started early", () => {
  it("answers the same request, with the same token, once; the next one is asked again", async () => {
    const { made, sent } = requests(earlyDashboard());
    expect(await (await made.fetch(get())).text()).toBe("early");
    expect(await (await made.fetch(get())).text()).toBe("asked again");
    expect(sent).toEqual([URL_]);
  });

  it("asks again for another URL, another token, or another method", async () => {
    for (const request of [
      get(`${URL_}?page=2`),
      get(URL_, "Bearer two"),
      new Request(URL_, { method: "POST", headers: { Authorization: "Bearer one" } }),
    ]) {
      const { made, sent } = requests(earlyDashboard());
      expect(await (await made.fetch(request)).text()).toBe("asked again");
      expect(sent).toEqual([request.url]);
    }
  });

  it("keeps an early answer for the request it is for, whatever was asked first", async () => {
    const { made } = requests(earlyDashboard());
    expect(await (await made.fetch(get("http://127.0.0.1:8000/v1/people/m0"))).text()).toBe("asked again");
    expect(await (await made.fetch(get())).text()).toBe("early");
  });

  it("never stands in for a request made long after the page loaded", async () => {
    const { made } = requests(earlyDashboard("Bearer one", 1_000), 1_000 + EARLY_FOR_MS);
    expect(await (await made.fetch(get())).text()).toBe("asked again");
  });

  it("asks again when the early request could not be made", async () => {
    const failed: Early = { started: 1_000, dashboard: Promise.reject(new Error("no config")) };
    const { made } = requests(failed);
    expect(await (await made.fetch(get())).text()).toBe("asked again");
  });

  it("hands over config.json once, and nothing when the page started nothing", async () => {
    const { made } = requests(earlyDashboard());
    expect(await made.takeConfig()?.then((r) => r.text())).toBe("{}");
    expect(made.takeConfig()).toBeUndefined();
    expect(requests(undefined).made.takeConfig()).toBeUndefined();
  });
});

describe("an early answer shown on the first render", () => {
  function answeredEarly(body: unknown, authorization = "Bearer one", started = 1_000): Early {
    const response = Promise.resolve(new Response("early"));
    return { started, dashboard: Promise.resolve({ url: URL_, authorization, response, body: Promise.resolve(body) }) };
  }

  it("is there once read, for the same URL and token only, and the request is still handed over", async () => {
    const { made, sent } = requests(answeredEarly({ team_id: "t0" }));
    await new Promise((resolve) => setTimeout(resolve, 0)); // the answer has been read
    expect(made.answered(URL_, "Bearer one")).toEqual({ team_id: "t0" });
    expect(made.answered(URL_, "Bearer two")).toBeUndefined();
    expect(made.answered(`${URL_}?page=2`, "Bearer one")).toBeUndefined();
    expect(await (await made.fetch(get())).text()).toBe("early");
    expect(sent).toEqual([]);
  });

  it("is not there before it arrived, when it failed, or long after the page loaded", async () => {
    const waiting: Early = {
      started: 1_000,
      dashboard: Promise.resolve({
        url: URL_,
        authorization: "Bearer one",
        response: new Promise<Response>(() => undefined),
        body: new Promise(() => undefined),
      }),
    };
    const cases = [
      requests(waiting).made,
      requests(answeredEarly(null)).made, // not ok: index.html reads no body
      requests(answeredEarly({ team_id: "t0" }, "Bearer one", 1_000), 1_000 + EARLY_FOR_MS).made,
      requests({ started: 1_000, dashboard: Promise.reject(new Error("no config")) }).made,
    ];
    await new Promise((resolve) => setTimeout(resolve, 0));
    for (const made of cases) expect(made.answered(URL_, "Bearer one")).toBeUndefined();
  });
});
