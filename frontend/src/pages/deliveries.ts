// What the deliveries screen reads off a delivery, kept apart from the screen so it is tested without a browser.
import type { components } from "../client/notifications/schema";

export type Delivery = components["schemas"]["DeliveryOut"];

/** A delivery that ended in failure: failed over to another channel, or given up on its last one. */
export const FAILED = ["failed", "dead"] as const;

export function isFailed(delivery: Pick<Delivery, "status">): boolean {
  return (FAILED as readonly string[]).includes(delivery.status);
}

/** When the delivery was last tried, else when it is due. */
export function lastMoment(delivery: Pick<Delivery, "attempts" | "due_at">): string {
  return delivery.attempts.at(-1)?.at ?? delivery.due_at;
}
