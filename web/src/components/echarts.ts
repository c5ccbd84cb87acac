import { BarChart, HeatmapChart, LinesChart, ScatterChart } from 'echarts/charts';
import {
  GeoComponent,
  GridComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

// Only what the console draws, so the bundle stays small.
echarts.use([
  BarChart,
  HeatmapChart,
  ScatterChart,
  LinesChart,
  GeoComponent,
  GridComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export { echarts };
export type { EChartsCoreOption } from 'echarts/core';
