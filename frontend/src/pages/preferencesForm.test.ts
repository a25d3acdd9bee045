import { describe, expect, it } from "vitest";
import { formOf, moved, preferencesOf, receives, toggled, type Options } from "./preferencesForm";

const options: Options = {
  channels: ["feishu", "email"],
  optional_types: ["GoalAchieved", "FeedbackGiven"],
  mandatory_types: ["GoalMissed"],
};

describe("the notification preferences form", () => {
  it("offers the deployment's channels in their default order to a person who never chose", () => {
    const form = formOf(options, {});
    expect(form.channels).toEqual([
      { channel: "feishu", used: true },
      { channel: "email", used: true },
    ]);
    expect(form.quiet).toBe(false);
    expect(form.digest).toBe(false);
  });

  it("keeps the person's order, lists channels they left out as unused, and drops ones no longer offered", () => {
    const form = formOf(options, { channels: ["slack", "email"], quiet_hours: { start: "22:00:00", end: "07:30:00" } });
    expect(form.channels).toEqual([
      { channel: "email", used: true },
      { channel: "feishu", used: false },
    ]);
    expect([form.quiet, form.quietStart, form.quietEnd]).toEqual([true, "22:00", "07:30"]);
    expect(preferencesOf(form)).toMatchObject({ channels: ["email"], quiet_hours: { start: "22:00", end: "07:30" } });
  });

  it("turns a type off per channel, and off everywhere as '*' once every offered channel is off", () => {
    let disabled = toggled({}, "GoalAchieved", "email", false, options.channels);
    expect(disabled).toEqual({ GoalAchieved: ["email"] });
    expect(receives(disabled, "GoalAchieved", "email")).toBe(false);
    expect(receives(disabled, "GoalAchieved", "feishu")).toBe(true);
    disabled = toggled(disabled, "GoalAchieved", "feishu", false, options.channels);
    expect(disabled).toEqual({ GoalAchieved: ["*"] });
    disabled = toggled(disabled, "GoalAchieved", "email", true, options.channels);
    expect(disabled).toEqual({ GoalAchieved: ["feishu"] });
  });

  it("sends no empty opt-out lists and moves channels within bounds", () => {
    const form = formOf(options, { disabled: { FeedbackGiven: [] }, digest: { frequency: "weekly", hour: 9, weekday: 0 } });
    expect(preferencesOf(form)).toEqual({
      channels: ["feishu", "email"],
      disabled: {},
      quiet_hours: null,
      digest: { frequency: "weekly", hour: 9, weekday: 0 },
    });
    expect(moved(form.channels, 1, -1).map((c) => c.channel)).toEqual(["email", "feishu"]);
    expect(moved(form.channels, 0, -1)).toBe(form.channels);
  });
});
