import { type ComponentProps, lazy, Suspense } from "react";

// ECharts is the largest part of the console: loaded with the first chart, not before the first page shows.
const EChart = lazy(() => import("./EChart").then((module) => ({ default: module.EChart })));

export function Chart(props: ComponentProps<typeof EChart>) {
  return (
    <Suspense fallback={<div style={{ height: props.height ?? 220 }} />}>
      <EChart {...props} />
    </Suspense>
  );
}
