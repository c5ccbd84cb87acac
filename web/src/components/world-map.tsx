import { useEffect, useMemo, useState } from 'react';
import { Chart } from './chart';
import { loadWorldMap, type WorldMap } from './world';

export interface MapMarker {
  label: string;
  /** ISO alpha-2 country, placed at the country's centre when no coordinates are given. */
  country?: string | null;
  coordinates?: [number, number];
  value?: number;
}

interface WorldMapProps {
  markers: MapMarker[];
  /** Lines between markers, by index (a journey). */
  route?: Array<[number, number]>;
  label: string;
  testId?: string;
  height?: number;
}

/** A world map with a marker per place, drawn by ECharts over bundled country borders. */
export function WorldMapChart({ markers, route = [], label, testId, height = 360 }: WorldMapProps) {
  const [world, setWorld] = useState<WorldMap>();
  const [failed, setFailed] = useState<string>();
  useEffect(() => {
    loadWorldMap().then(setWorld, (error: unknown) => setFailed(String(error)));
  }, []);

  const placed = useMemo(
    () =>
      world
        ? markers.flatMap((marker) => {
            const at = marker.coordinates ?? (marker.country ? world.centre(marker.country) : null);
            return at ? [{ name: marker.label, value: [...at, marker.value ?? 1] }] : [];
          })
        : [],
    [world, markers],
  );

  const option = useMemo(
    () => ({
      tooltip: { trigger: 'item' },
      geo: {
        map: 'world',
        roam: true,
        zoom: 1.1,
        itemStyle: { areaColor: 'rgba(127,127,127,0.25)', borderColor: 'rgba(127,127,127,0.6)' },
        emphasis: { disabled: true },
        tooltip: { show: false },
      },
      series: [
        {
          type: 'scatter',
          coordinateSystem: 'geo',
          symbolSize: (value: number[]) => Math.min(24, 8 + Math.log2(1 + (value[2] ?? 1)) * 2),
          itemStyle: { color: '#e4572e' },
          data: placed,
          tooltip: {
            formatter: (p: { name: string; value: number[] }) => `${p.name}: ${p.value[2]}`,
          },
        },
        {
          type: 'lines',
          coordinateSystem: 'geo',
          lineStyle: { color: '#e4572e', width: 2, type: 'dashed', curveness: 0.2 },
          symbol: ['none', 'arrow'],
          data: route.flatMap(([a, b]) =>
            placed[a] && placed[b]
              ? [{ coords: [placed[a].value.slice(0, 2), placed[b].value.slice(0, 2)] }]
              : [],
          ),
        },
      ],
    }),
    [placed, route],
  );

  if (failed) return <p className="error">The map could not be drawn: {failed}</p>;
  if (!world) return <p className="muted">Loading the map…</p>;
  return (
    <div data-markers={placed.length}>
      <Chart option={option} label={label} height={height} testId={testId} />
    </div>
  );
}
