import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { usePlatform } from "../api/ApiContext";
import { answer } from "../api/clients";
import { Failure } from "./Failure";
import { useDebounced } from "./useDebounced";

const PAGE = 100;
const ROLES = ["assistant", "manager", "hr", "admin"] as const;
type Role = (typeof ROLES)[number];

/**
 * hr and admins choose a person of the roster by name, narrowed by role and team, instead of typing an id. The
 * roster comes from the goals service's projection (`GET /v1/people`; every service answers it alike).
 */
export function PersonPicker({
  id,
  label,
  value,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (personId: string) => void;
}) {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const [role, setRole] = useState<Role | "">("");
  const [team, setTeam] = useState("");
  const teamId = useDebounced(team.trim(), 300);
  const people = useInfiniteQuery({
    queryKey: ["roster", role, teamId],
    queryFn: ({ pageParam }) =>
      answer(
        apis.goals.GET("/v1/people", {
          params: {
            query: {
              limit: PAGE,
              ...(role ? { role } : {}),
              ...(teamId ? { team_id: teamId } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const listed = people.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <fieldset className="field person-picker">
      <legend>{label}</legend>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-role`}>{t("picker.role")}</label>
          <select id={`${id}-role`} value={role} onChange={(e) => { setRole(e.target.value as Role | ""); }}>
            <option value="">{t("picker.anyRole")}</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-team`}>{t("picker.team")}</label>
          <input id={`${id}-team`} value={team} onChange={(e) => { setTeam(e.target.value); }} />
        </div>
      </div>
      <div className="field">
        <label htmlFor={id}>{t("picker.person")}</label>
        <select id={id} value={listed.some((p) => p.person_id === value) ? value : ""} onChange={(e) => { onChange(e.target.value); }}>
          <option value="">{people.isPending ? t("app.loading") : t("picker.choose", { count: listed.length })}</option>
          {listed.map((p) => (
            <option key={p.person_id} value={p.person_id}>
              {t("picker.option", {
                name: p.display_name,
                role: t(`roles.${p.role}`),
                team: p.team_id ?? t("picker.noTeam"),
              })}
            </option>
          ))}
        </select>
      </div>
      {people.error && <Failure error={people.error} />}
      {people.hasNextPage && (
        <button type="button" disabled={people.isFetchingNextPage} onClick={() => { void people.fetchNextPage(); }}>
          {t("picker.more")}
        </button>
      )}
    </fieldset>
  );
}
