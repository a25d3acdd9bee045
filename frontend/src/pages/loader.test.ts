import { describe, expect, it } from "vitest";
import { loader } from "./loader";

type Marked = Promise<unknown> & { status?: string; value?: unknown; reason?: unknown };

describe("a page's code, loaded once", () => {
  it("asks once, and once arrived says so on the promise itself, as React's use reads it", async () => {
    let asked = 0;
    const load = loader(() => {
      asked += 1;
      return Promise.resolve({ Page: "the page" });
    });
    const first = load() as Marked;
    expect(first.status).toBeUndefined();
    await first;
    await Promise.resolve();
    expect(load()).toBe(first);
    expect(asked).toBe(1);
    expect(first.status).toBe("fulfilled");
    expect(first.value).toEqual({ Page: "the page" });
  });

  it("says why code that could not be loaded failed", async () => {
    const failure = new Error("chunk missing");
    const load = loader(() => Promise.reject(failure));
    const first = load() as Marked;
    await expect(first).rejects.toBe(failure);
    expect(first.status).toBe("rejected");
    expect(first.reason).toBe(failure);
  });
});
