// Only the parts of ECharts the console draws, so the rest stays out of the bundle. Each chart's container
// carries its own label in the reader's language, so ECharts' own (English) aria description is left out.
import { BarChart, FunnelChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";

echarts.use([LineChart, BarChart, FunnelChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, SVGRenderer]);

export { echarts };
export type { EChartsCoreOption } from "echarts/core";
