import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Chart } from "../charts/Chart";
import { sparklineOption } from "../charts/sparkline";
import { SPARKLINE_DAYS } from "./teamActivity";

/** An assistant's daily count of one activity kind over the last two weeks, as the analytics service counted it. */
export function ActivitySparkline({ counts, name, kind }: { counts: number[] | undefined; name: string; kind: string }) {
  const { t } = useTranslation();
  const option = useMemo(() => sparklineOption(counts ?? []), [counts]);
  if (!counts) return null; // a missing sparkline leaves the row as it was; the row's own numbers still stand
  const total = counts.reduce((sum, c) => sum + c, 0);
  return (
    <div className="sparkline">
      <Chart
        option={option}
        height={28}
        testId="activity-sparkline"
        label={t("team.sparkline", {
          name,
          kind: t(`team.kinds.${kind}`, { defaultValue: kind }),
          total,
          days: SPARKLINE_DAYS,
          counts: counts.join(", "),
        })}
      />
    </div>
  );
}
