import { useMemo, useState } from 'react';
import { api, ApiError, unwrap } from '../../api/client';
import type { Schemas } from '../../api/types';
import { SeverityBadge } from '../../components/badges';
import { Chart } from '../../components/chart';
import { fromLocalInput, Time, toLocalInput } from '../../components/time';
import type { Definition } from './rule-definition';

type Result = Schemas['RuleTestResultDto'];

/** Runs the rule as it is in the editor over stored events: what would have fired, per day. */
export function Backtest(props: {
  definition: () => Definition;
  onProblems: (problems: Array<{ field: string; reason: string }>) => void;
}) {
  const [from, setFrom] = useState(() => toLocalInput(new Date(Date.now() - 7 * 86_400_000)));
  const [to, setTo] = useState(() => toLocalInput(new Date()));
  const [result, setResult] = useState<Result>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const range = { from: fromLocalInput(from), to: fromLocalInput(to) };
      if (!range.from || !range.to) throw new Error('Choose the start and end of the range.');
      setResult(
        await unwrap(
          api.POST('/api/v1/rules/test', {
            body: { from: range.from, to: range.to, rule: props.definition() },
          }),
        ),
      );
      props.onProblems([]);
    } catch (failure) {
      if (failure instanceof ApiError) props.onProblems(failure.fieldErrors());
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="backtest-title">
      <h2 id="backtest-title">Backtest</h2>
      <p className="muted small">
        Replays this rule, unsaved, over the stored events of a range: nothing is recorded and
        nobody is notified.
      </p>
      <div className="row">
        <label>
          From{' '}
          <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          To <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <button type="button" disabled={busy} onClick={() => void run()}>
          {busy ? 'Running…' : 'Run backtest'}
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {result && <BacktestResult result={result} />}
    </section>
  );
}

function BacktestResult({ result }: { result: Result }) {
  const option = useMemo(() => {
    const perDay = new Map<string, number>();
    const start = new Date(result.range.from);
    const end = new Date(result.range.to);
    for (
      let d = new Date(start.toISOString().slice(0, 10));
      d <= end;
      d = new Date(d.getTime() + 86_400_000)
    ) {
      perDay.set(d.toISOString().slice(0, 10), 0);
    }
    for (const a of result.alerts) {
      const day = a.eventTime.slice(0, 10);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    const days = [...perDay.keys()].sort();
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 40, right: 12, top: 12, bottom: 40 },
      xAxis: { type: 'category', data: days },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          type: 'bar',
          name: 'alerts',
          data: days.map((d) => perDay.get(d)),
          itemStyle: { color: '#e4572e' },
        },
      ],
    };
  }, [result]);
  return (
    <div data-testid="backtest-result">
      <p>
        <strong data-testid="would-fire">{result.wouldFire}</strong> alerts would have fired over{' '}
        {result.eventsScanned} events
        {result.truncated && ` (only the first ${result.alertsReturned} are listed)`}.
      </p>
      <Chart option={option} label="Alerts per day (UTC)" height={200} testId="backtest-chart" />
      {result.alerts.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Time</th>
                <th>Severity</th>
                <th>Group</th>
                <th>Explanation</th>
              </tr>
            </thead>
            <tbody>
              {result.alerts.map((a) => (
                <tr key={a.fingerprint}>
                  <td>
                    <Time at={a.eventTime} />
                  </td>
                  <td>
                    <SeverityBadge severity={a.severity} />
                  </td>
                  <td className="wrap">{a.groupKey}</td>
                  <td className="wrap">{a.explanation}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
