import { useEffect, useRef } from "react";
import { echarts, type EChartsCoreOption } from "./echarts";

interface Props {
  option: EChartsCoreOption;
  /** What the chart shows, in words: charts are images to a screen reader. */
  label: string;
  height?: number;
  testId?: string;
}

export function EChart({ option, label, height = 220, testId }: Props) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!element.current) return;
    const made = echarts.init(element.current, undefined, { renderer: "svg" });
    chart.current = made;
    const resize = () => { made.resize(); };
    window.addEventListener("resize", resize);
    return () => {
      window.removeEventListener("resize", resize);
      made.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={element} role="img" aria-label={label} data-testid={testId} style={{ height, width: "100%" }} />;
}
