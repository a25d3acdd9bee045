import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { answer } from "../api/clients";
import { usePlatform } from "../api/ApiContext";
import { useSession } from "../auth/AuthContext";
import { Failure } from "../components/Failure";
import { FieldError } from "../components/FieldError";
import { SubmissionErrors } from "../components/SubmissionErrors";
import { useDraft } from "../components/useDraft";
import { useSubmission } from "../components/useSubmission";
import {
  formOf,
  moved,
  type Options,
  type Preferences,
  type PreferencesForm,
  preferencesOf,
  receives,
  toggled,
} from "./preferencesForm";

const HOURS = Array.from({ length: 24 }, (_, hour) => hour);
const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6];

/** Anyone's own notification preferences: channels in order, opt-outs, quiet hours, digests. The notifications
 * service says which channels this deployment has and which types are mandatory; this page only offers them. */
export function NotificationPreferences() {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const { person } = useSession();
  const [saves, setSaves] = useState(0); // a saved form starts again from what the service stored
  const [saved, setSaved] = useState(false);
  const options = useQuery({
    queryKey: ["preference-options"],
    queryFn: () => answer(apis.notifications.GET("/v1/preference-options")),
  });
  const stored = useQuery({
    queryKey: ["preferences", person.person_id],
    queryFn: () =>
      answer(apis.notifications.GET("/v1/preferences/{person_id}", { params: { path: { person_id: person.person_id } } })),
    staleTime: Infinity, // read again only after a save: a refetch must not undo what is being ticked
  });
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("preferences.title")}</h1>
      <p className="hint">{t("preferences.intro")}</p>
      {options.error && <Failure error={options.error} />}
      {stored.error && <Failure error={stored.error} />}
      {(options.isPending || stored.isPending) && <p>{t("app.loading")}</p>}
      {saved && <p role="status">{t("preferences.saved")}</p>}
      {options.data && stored.data && (
        <PreferencesEditor
          key={saves}
          options={options.data}
          stored={stored.data}
          onSaved={() => {
            setSaves((n) => n + 1);
            setSaved(true);
          }}
          onEdited={() => { setSaved(false); }}
        />
      )}
    </section>
  );
}

function PreferencesEditor({
  options,
  stored,
  onSaved,
  onEdited,
}: {
  options: Options;
  stored: Preferences;
  onSaved: () => void;
  onEdited: () => void;
}) {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const { person } = useSession();
  const queryClient = useQueryClient();
  const [form, setForm, clearForm] = useDraft<PreferencesForm>(`preferences.${person.person_id}`, formOf(options, stored));
  const save = useSubmission(
    () =>
      answer(
        apis.notifications.PUT("/v1/preferences/{person_id}", {
          params: { path: { person_id: person.person_id } },
          body: preferencesOf(form),
        }),
      ),
    (answered) => {
      clearForm();
      queryClient.setQueryData(["preferences", person.person_id], answered);
      onSaved();
    },
  );
  const edit = (next: Partial<PreferencesForm>) => {
    onEdited();
    save.reset();
    setForm({ ...form, ...next });
  };
  const channelName = (channel: string) => t(`preferences.channels.${channel}`, { defaultValue: channel });
  const typeName = (type: string) => t(`preferences.types.${type}`, { defaultValue: type });
  const offered = options.channels;

  return (
    <form className="card" aria-label={t("preferences.form")} noValidate onSubmit={save.submit}>
      <SubmissionErrors submission={save} />

      <h2 id="channels-title">{t("preferences.channelsTitle")}</h2>
      <p className="hint">{t("preferences.channelsHint")}</p>
      <ol className="plain-list preference-channels" aria-labelledby="channels-title" data-testid="channel-order">
        {form.channels.map((choice, index) => (
          <li key={choice.channel}>
            <input
              type="checkbox"
              id={`channel-${choice.channel}`}
              checked={choice.used}
              onChange={(e) => {
                edit({ channels: form.channels.map((c, i) => (i === index ? { ...c, used: e.target.checked } : c)) });
              }}
            />
            <label htmlFor={`channel-${choice.channel}`}>{channelName(choice.channel)}</label>{" "}
            <button
              type="button"
              disabled={index === 0}
              aria-label={t("preferences.moveUp", { channel: channelName(choice.channel) })}
              onClick={() => { edit({ channels: moved(form.channels, index, -1) }); }}
            >
              ↑
            </button>
            <button
              type="button"
              disabled={index === form.channels.length - 1}
              aria-label={t("preferences.moveDown", { channel: channelName(choice.channel) })}
              onClick={() => { edit({ channels: moved(form.channels, index, 1) }); }}
            >
              ↓
            </button>
          </li>
        ))}
      </ol>
      <FieldError id="channels-error" messages={save.errors.channels} />

      <h2 id="types-title">{t("preferences.typesTitle")}</h2>
      <table aria-labelledby="types-title" data-testid="opt-outs">
        <thead>
          <tr>
            <th scope="col">{t("preferences.type")}</th>
            {offered.map((channel) => (
              <th scope="col" key={channel}>
                {channelName(channel)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {options.optional_types.map((type) => (
            <tr key={type}>
              <th scope="row">{typeName(type)}</th>
              {offered.map((channel) => (
                <td key={channel}>
                  <input
                    type="checkbox"
                    aria-label={t("preferences.receive", { type: typeName(type), channel: channelName(channel) })}
                    checked={receives(form.disabled, type, channel)}
                    onChange={(e) => {
                      edit({ disabled: toggled(form.disabled, type, channel, e.target.checked, offered) });
                    }}
                  />
                </td>
              ))}
            </tr>
          ))}
          {options.mandatory_types.map((type) => (
            <tr key={type} data-testid="mandatory-type">
              <th scope="row">{typeName(type)}</th>
              <td colSpan={offered.length}>{t("preferences.mandatory")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <FieldError id="disabled-error" messages={save.errors.disabled} />

      <h2>{t("preferences.quietTitle")}</h2>
      <div className="field">
        <label>
          <input type="checkbox" checked={form.quiet} onChange={(e) => { edit({ quiet: e.target.checked }); }} />{" "}
          {t("preferences.quiet")}
        </label>
      </div>
      {form.quiet && (
        <div className="field-row">
          <div className="field">
            <label htmlFor="quiet-start">{t("preferences.quietStart")}</label>
            <input
              id="quiet-start"
              type="time"
              value={form.quietStart}
              {...save.invalid("quiet_hours.start", "quiet-start-error")}
              onChange={(e) => { edit({ quietStart: e.target.value }); }}
            />
            <FieldError id="quiet-start-error" messages={save.errors["quiet_hours.start"]} />
          </div>
          <div className="field">
            <label htmlFor="quiet-end">{t("preferences.quietEnd")}</label>
            <input
              id="quiet-end"
              type="time"
              value={form.quietEnd}
              {...save.invalid("quiet_hours.end", "quiet-end-error")}
              onChange={(e) => { edit({ quietEnd: e.target.value }); }}
            />
            <FieldError id="quiet-end-error" messages={save.errors["quiet_hours.end"]} />
          </div>
        </div>
      )}
      <p className="hint">{t("preferences.quietHint")}</p>

      <h2>{t("preferences.digestTitle")}</h2>
      <div className="field">
        <label>
          <input type="checkbox" checked={form.digest} onChange={(e) => { edit({ digest: e.target.checked }); }} />{" "}
          {t("preferences.digest")}
        </label>
      </div>
      {form.digest && (
        <div className="field-row">
          <div className="field">
            <label htmlFor="digest-frequency">{t("preferences.frequency")}</label>
            <select
              id="digest-frequency"
              value={form.digestFrequency}
              onChange={(e) => { edit({ digestFrequency: e.target.value as "daily" | "weekly" }); }}
            >
              <option value="daily">{t("preferences.daily")}</option>
              <option value="weekly">{t("preferences.weekly")}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="digest-hour">{t("preferences.hour")}</label>
            <select id="digest-hour" value={form.digestHour} onChange={(e) => { edit({ digestHour: Number(e.target.value) }); }}>
              {HOURS.map((hour) => (
                <option key={hour} value={hour}>{`${String(hour).padStart(2, "0")}:00`}</option>
              ))}
            </select>
          </div>
          {form.digestFrequency === "weekly" && (
            <div className="field">
              <label htmlFor="digest-weekday">{t("preferences.weekday")}</label>
              <select
                id="digest-weekday"
                value={form.digestWeekday}
                onChange={(e) => { edit({ digestWeekday: Number(e.target.value) }); }}
              >
                {WEEKDAYS.map((weekday) => (
                  <option key={weekday} value={weekday}>
                    {t(`preferences.weekdays.${weekday}`)}
                  </option>
                ))}
              </select>
            </div>
          )}
        </div>
      )}
      <button type="submit" disabled={save.pending}>
        {t("preferences.save")}
      </button>
    </form>
  );
}
