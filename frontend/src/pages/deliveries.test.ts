import { describe, expect, it } from "vitest";
import { isFailed, lastMoment } from "./deliveries";

const attempt = (at: string) => ({ at, delivered: false, retryable: false, reason: "550" });

describe("a delivery on the deliveries screen", () => {
  it("is failed when it failed over or was given up, and only then", () => {
    expect(["failed", "dead"].map((status) => isFailed({ status }))).toEqual([true, true]);
    expect(["pending", "sending", "delivered"].map((status) => isFailed({ status }))).toEqual([false, false, false]);
  });

  it("is dated by its last attempt, or when it is due before any", () => {
    const due_at = "2026-12-06T09:00:00Z";
    expect(lastMoment({ due_at, attempts: [] })).toBe(due_at);
    expect(lastMoment({ due_at, attempts: [attempt("2026-12-06T09:00:01Z"), attempt("2026-12-06T10:00:00Z")] })).toBe(
      "2026-12-06T10:00:00Z",
    );
  });
});
