import { useMemo } from 'react';
import type { Schemas } from '../../api/types';
import { Chart, usePrefersDark } from '../../components/chart';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const HOURS = Array.from(
  { length: 168 },
  (_, h) => `${DAYS[Math.floor(h / 24)]} ${String(h % 24).padStart(2, '0')}:00`,
);

/** Hour of week (x) × action (y), coloured by the mean count in that hour. */
export function ActivityHeatmap({ rates }: { rates: Schemas['ActionRateDto'][] }) {
  const dark = usePrefersDark();
  const option = useMemo(() => {
    const actions = rates.map((r) => r.action);
    const data = rates.flatMap((rate, y) =>
      rate.hourOfWeek.map((cell) => [cell.hourOfWeek, y, cell.mean ?? 0]),
    );
    const max = Math.max(0.01, ...data.map((d) => d[2]));
    return {
      tooltip: {
        formatter: (p: { value: number[] }) =>
          `${actions[p.value[1]]}, ${HOURS[p.value[0]]} UTC: mean ${p.value[2].toFixed(2)}`,
      },
      grid: { left: 110, right: 12, top: 8, bottom: 70 },
      xAxis: {
        type: 'category',
        data: HOURS,
        splitArea: { show: true },
        axisLabel: { interval: 23, rotate: 0 },
      },
      yAxis: { type: 'category', data: actions },
      visualMap: {
        min: 0,
        max,
        calculable: true,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        itemHeight: 120,
        inRange: {
          color: dark ? ['#1b2430', '#2f6db5', '#9cc7ff'] : ['#f3f6fb', '#6aa6e0', '#1f4e99'],
        },
      },
      series: [{ type: 'heatmap', data, progressive: 0, emphasis: { disabled: true } }],
    };
  }, [rates, dark]);
  return (
    <div data-cells={rates.length * 168} data-actions={rates.length}>
      <Chart
        option={option}
        label="Usual activity by hour of week and action"
        height={Math.max(180, 110 + rates.length * 26)}
        testId="heatmap"
      />
    </div>
  );
}
