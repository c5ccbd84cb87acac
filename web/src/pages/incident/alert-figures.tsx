import { useMemo } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useApi } from '../../api/use-api';
import { Time } from '../../components/time';
import { WorldMapChart, type MapMarker } from '../../components/world-map';

interface Place {
  at: string;
  latitude: number;
  longitude: number;
  country: string | null;
  city: string | null;
  ip: string | null;
}

const isPlace = (value: unknown): value is Place =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Place).latitude === 'number' &&
  typeof (value as Place).longitude === 'number';

/** The figures behind an alert, drawn when a picture says it better than the sentence. */
export function AlertFigures({ alert }: { alert: Schemas['AlertDto'] }) {
  const f = alert.figures;
  if (isPlace(f.from) && isPlace(f.to)) {
    return <Journey from={f.from} to={f.to} figures={f} />;
  }
  if (typeof f.hourStart === 'string' && typeof f.x === 'number' && typeof f.entity === 'string') {
    return (
      <UsualRate
        entity={f.entity}
        entityType={typeof f.entityType === 'string' ? f.entityType : undefined}
        action={String(f.action)}
        hourStart={f.hourStart}
        count={f.x}
        expected={typeof f.expected === 'number' ? f.expected : null}
      />
    );
  }
  return null;
}

const placeName = (p: Place) =>
  [p.city, p.country].filter(Boolean).join(', ') || `${p.latitude}, ${p.longitude}`;

function Journey({
  from,
  to,
  figures,
}: {
  from: Place;
  to: Place;
  figures: Record<string, unknown>;
}) {
  const markers: MapMarker[] = useMemo(
    () => [
      {
        label: `${placeName(from)} (${from.ip ?? ''})`,
        coordinates: [from.longitude, from.latitude],
      },
      { label: `${placeName(to)} (${to.ip ?? ''})`, coordinates: [to.longitude, to.latitude] },
    ],
    [from, to],
  );
  const route = useMemo((): Array<[number, number]> => [[0, 1]], []);
  return (
    <div className="journey">
      <p data-testid="travel">
        {placeName(from)} at <Time at={from.at} /> → {placeName(to)} at <Time at={to.at} />:{' '}
        <strong>{String(figures.distanceKm)} km</strong> in {String(figures.gapMinutes)} min,{' '}
        <strong>
          {typeof figures.speedKmh === 'number'
            ? `${figures.speedKmh} km/h`
            : 'no time between them'}
        </strong>{' '}
        (limit {String(figures.maxSpeedKmh)} km/h)
      </p>
      <WorldMapChart
        markers={markers}
        route={route}
        label={`Travel from ${placeName(from)} to ${placeName(to)}`}
        testId="travel-map"
        height={300}
      />
    </div>
  );
}

/** Monday 00:00 UTC = 0 … Sunday 23:00 UTC = 167, as the baselines count. */
export function hourOfWeek(iso: string): number {
  const date = new Date(iso);
  return ((date.getUTCDay() + 6) % 7) * 24 + date.getUTCHours();
}

function UsualRate(props: {
  entity: string;
  entityType: string | undefined;
  action: string;
  hourStart: string;
  count: number;
  expected: number | null;
}) {
  const type = ['user', 'connect_token', 'connect_server'].includes(props.entityType ?? '')
    ? (props.entityType as 'user')
    : undefined;
  const baseline = useApi(
    () =>
      unwrap(
        api.GET('/api/v1/baselines/{actor}', {
          params: { path: { actor: props.entity }, query: { type } },
        }),
      ),
    `${props.entity}|${type ?? ''}`,
  );
  const cell = baseline.data?.actionRates
    .find((rate) => rate.action === props.action)
    ?.hourOfWeek.find((c) => c.hourOfWeek === hourOfWeek(props.hourStart));
  return (
    <table className="figures" data-testid="usual-rate">
      <tbody>
        <tr>
          <th>This hour</th>
          <td>
            <strong>{props.count}</strong> {props.action} from <Time at={props.hourStart} />
          </td>
        </tr>
        <tr>
          <th>Usual for this hour of the week</th>
          <td>
            {cell?.mean !== null && cell?.mean !== undefined
              ? `mean ${cell.mean.toFixed(2)}, median ${cell.median ?? 0} over ${cell.weeks} weeks`
              : baseline.error
                ? 'baseline unavailable'
                : '…'}
          </td>
        </tr>
        {props.expected !== null && (
          <tr>
            <th>Usual per hour overall</th>
            <td>{props.expected.toFixed(2)}</td>
          </tr>
        )}
        <tr>
          <th>Baseline</th>
          <td>
            <Link to={`/baselines/${encodeURIComponent(props.entity)}`}>{props.entity}</Link>
          </td>
        </tr>
      </tbody>
    </table>
  );
}
