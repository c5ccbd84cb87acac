import { useEffect, useRef, useState } from 'react';
import { echarts, type EChartsCoreOption } from './echarts';

export function usePrefersDark(): boolean {
  const query = '(prefers-color-scheme: dark)';
  const [dark, setDark] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const media = window.matchMedia(query);
    const change = () => setDark(media.matches);
    media.addEventListener('change', change);
    return () => media.removeEventListener('change', change);
  }, []);
  return dark;
}

interface ChartProps {
  option: EChartsCoreOption;
  label: string;
  height: number;
  testId?: string;
  /** Data items laid out, per series, once ECharts has drawn: tests read them. */
  onDrawn?: (counts: number[]) => void;
}

/** An ECharts chart that follows the colour scheme and its container's width. */
export function Chart({ option, label, height, testId }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const dark = usePrefersDark();
  const [drawn, setDrawn] = useState<string>('');

  useEffect(() => {
    const element = box.current!;
    const instance = echarts.init(element, dark ? 'dark' : undefined);
    chart.current = instance;
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(element);
    instance.on('finished', () => {
      const series = (instance.getOption().series ?? []) as unknown[];
      const counts = series.map((_, index) => {
        const model = (
          instance as unknown as {
            getModel(): { getSeriesByIndex(i: number): { getData(): { count(): number } } | null };
          }
        )
          .getModel()
          .getSeriesByIndex(index);
        return model?.getData().count() ?? 0;
      });
      setDrawn(counts.join(','));
    });
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [dark]);

  useEffect(() => {
    chart.current?.setOption({ backgroundColor: 'transparent', ...option }, true);
  }, [option, dark]);

  return (
    <div
      ref={box}
      className="chart"
      role="img"
      aria-label={label}
      data-testid={testId}
      data-drawn={drawn}
      style={{ height }}
    />
  );
}
