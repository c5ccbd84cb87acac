import { geoArea, geoCentroid } from 'd3-geo';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon } from 'geojson';
import countries from 'i18n-iso-countries';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { echarts } from './echarts';

export interface WorldMap {
  /** ECharts map name, registered once. */
  name: string;
  /** [longitude, latitude] of a country's largest land mass, by ISO alpha-2 code. */
  centre(alpha2: string): [number, number] | null;
  /** The map's region name of a country, by ISO alpha-2 code. */
  regionName(alpha2: string): string | null;
}

type CountryFeature = Feature<Polygon | MultiPolygon, { name: string }>;

let loading: Promise<WorldMap> | null = null;

/** Country borders from world-atlas (1:50m, bundled): loaded on the first page with a map. */
export function loadWorldMap(): Promise<WorldMap> {
  loading ??= import('world-atlas/countries-50m.json').then((module) => {
    const topology = module.default as unknown as Topology<{
      countries: GeometryCollection<{ name: string }>;
    }>;
    const collection = feature(topology, topology.objects.countries) as FeatureCollection<
      Geometry,
      { name: string }
    >;
    const byNumeric = new Map<string, CountryFeature>();
    // Antarctica stretches along the map's bottom edge and no one signs in from it.
    collection.features = collection.features.filter((country) => country.id !== '010');
    for (const country of collection.features as CountryFeature[]) {
      unwrapAntimeridian(country.geometry);
      if (country.id !== undefined) byNumeric.set(String(country.id).padStart(3, '0'), country);
    }
    echarts.registerMap('world', collection as never);
    const find = (alpha2: string): CountryFeature | undefined => {
      const numeric = countries.alpha2ToNumeric(alpha2.toUpperCase());
      return numeric ? byNumeric.get(numeric) : undefined;
    };
    return {
      name: 'world',
      centre(alpha2) {
        const country = find(alpha2);
        return country ? largestPartCentre(country) : null;
      },
      regionName(alpha2) {
        return find(alpha2)?.properties.name ?? null;
      },
    };
  });
  return loading;
}

/**
 * A ring that crosses the antimeridian (Russia, Fiji) jumps from 180° to -180°, which ECharts
 * would draw as a line across the world: such rings continue past 180° instead.
 */
function unwrapAntimeridian(geometry: Polygon | MultiPolygon): void {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  for (const ring of polygons.flat()) {
    const crosses = ring.some((point, i) => i > 0 && Math.abs(point[0] - ring[i - 1][0]) > 180);
    if (!crosses) continue;
    for (const point of ring) if (point[0] < 0) point[0] += 360;
  }
}

/** The centroid of the largest polygon, so that France sits in France, not off Guiana. */
function largestPartCentre(country: CountryFeature): [number, number] {
  const geometry = country.geometry;
  if (geometry.type === 'Polygon') return geoCentroid(country);
  let best: Polygon | null = null;
  let bestArea = -1;
  for (const coordinates of geometry.coordinates) {
    const polygon: Polygon = { type: 'Polygon', coordinates };
    const area = geoArea(polygon);
    if (area > bestArea) {
      bestArea = area;
      best = polygon;
    }
  }
  return geoCentroid(best ?? geometry);
}
