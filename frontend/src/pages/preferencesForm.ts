// The notification preferences form: what the notifications service stores, made into rows a person can tick,
// and back. The service decides what is allowed (mandatory types, known channels); this only reshapes.
import type { components } from "../client/notifications/schema";

export type Preferences = components["schemas"]["Preferences"];
export type Options = components["schemas"]["PreferenceOptions"];
export type Channel = components["schemas"]["Channel"];

export interface ChannelChoice {
  channel: Channel;
  used: boolean;
}

export interface PreferencesForm {
  /** Every channel this deployment offers, in the person's order; unused ones after the used. */
  channels: ChannelChoice[];
  /** Event type -> channels turned off ('*': all of them), as stored. */
  disabled: Record<string, string[]>;
  quiet: boolean;
  quietStart: string;
  quietEnd: string;
  digest: boolean;
  digestFrequency: "daily" | "weekly";
  digestHour: number;
  digestWeekday: number;
}

const ALL = "*";

/** The form as the stored preferences fill it; a person who never chose gets the deployment's defaults. */
export function formOf(options: Options, stored: Preferences): PreferencesForm {
  const offered = options.channels;
  const chosen = (stored.channels ?? offered).filter((c): c is Channel => (offered as string[]).includes(c));
  const rest = offered.filter((c) => !chosen.includes(c));
  return {
    channels: [...chosen.map((channel) => ({ channel, used: true })), ...rest.map((channel) => ({ channel, used: false }))],
    disabled: stored.disabled ?? {},
    quiet: Boolean(stored.quiet_hours),
    quietStart: hhmm(stored.quiet_hours?.start ?? "22:00"),
    quietEnd: hhmm(stored.quiet_hours?.end ?? "07:00"),
    digest: Boolean(stored.digest),
    digestFrequency: stored.digest?.frequency ?? "daily",
    digestHour: stored.digest?.hour ?? 17,
    digestWeekday: stored.digest?.weekday ?? 4,
  };
}

/** What the form sends: the whole preferences document (PUT replaces it). */
export function preferencesOf(form: PreferencesForm): Preferences {
  return {
    channels: form.channels.filter((c) => c.used).map((c) => c.channel),
    disabled: Object.fromEntries(Object.entries(form.disabled).filter(([, channels]) => channels.length > 0)),
    quiet_hours: form.quiet ? { start: form.quietStart, end: form.quietEnd } : null,
    digest: form.digest
      ? { frequency: form.digestFrequency, hour: form.digestHour, weekday: form.digestWeekday }
      : null,
  };
}

/** Whether a type of notification reaches the person on a channel. */
export function receives(disabled: Record<string, string[]>, type: string, channel: string): boolean {
  const off = disabled[type] ?? [];
  return !off.includes(ALL) && !off.includes(channel);
}

/** Turns one type on or off on one channel; "all off" is kept as '*', so a channel added later stays off too. */
export function toggled(
  disabled: Record<string, string[]>,
  type: string,
  channel: string,
  on: boolean,
  offered: readonly string[],
): Record<string, string[]> {
  const current = disabled[type] ?? [];
  const off = (current.includes(ALL) ? [...offered] : current).filter((c) => c !== channel);
  if (!on) off.push(channel);
  const everyOffered = offered.every((c) => off.includes(c));
  return { ...disabled, [type]: everyOffered ? [ALL] : [...new Set(off)] };
}

/** A channel moved one place up (-1) or down (+1) in the order. */
export function moved(channels: ChannelChoice[], index: number, by: -1 | 1): ChannelChoice[] {
  const target = index + by;
  if (target < 0 || target >= channels.length) return channels;
  const next = [...channels];
  [next[index], next[target]] = [next[target] as ChannelChoice, next[index] as ChannelChoice];
  return next;
}

function hhmm(time: string): string {
  return time.slice(0, 5);
}
