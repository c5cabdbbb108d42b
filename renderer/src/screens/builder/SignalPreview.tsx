import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api/client.js';
import { errorMessage } from '../../api/api-error.js';
import type { SeriesSummary, SignalPreview as Preview, StrategySpec } from '../../api/contract.js';
import { useQuery } from '../../api/use-query.js';
import { markerSet, markersOf } from '../../charts/markers.js';
import { PriceChart } from '../../charts/PriceChart.js';
import { formatCount } from '../../app/format.js';
import { useRememberedSeries } from '../../app/use-remembered-series.js';

/** How much history the builder previews: recent enough to answer while typing. */
const PREVIEW_SPAN_MS = 30 * 24 * 3600 * 1000;

/** Entries and adds among the preview's fills (the rest are exits). */
function entriesOf(preview: Preview): number {
  return preview.kind.filter((kind) => kind.startsWith('entry') || kind.startsWith('add')).length;
}

/** Entry/exit signals of the spec being edited, as markers on the price chart of a chosen instrument. */
export function SignalPreview({ spec, valid }: { spec: StrategySpec; valid: boolean }) {
  const series = useQuery(() => api().invoke('data/listSeries'), []);
  const [key, setKey] = useRememberedSeries();
  const list = series.data ?? [];
  const chosen: SeriesSummary | undefined = list.find((s) => `${s.instrument.symbol}/${s.timeframe}` === key) ?? list[0];
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);

  const toTs = chosen?.lastTs ?? undefined;
  const fromTs = toTs !== undefined ? Math.max(chosen?.firstTs ?? 0, toTs - PREVIEW_SPAN_MS) : undefined;

  useEffect(() => {
    if (!chosen || !valid) return;
    let live = true;
    const timer = setTimeout(() => {
      api()
        .invoke('backtest/preview', { spec, symbol: chosen.instrument.symbol, timeframe: chosen.timeframe, fromTs, toTs: toTs === undefined ? undefined : toTs + 1 })
        .then(
          (answer) => live && (setPreview(answer), setError(null)),
          (failure: unknown) => live && setError(errorMessage(failure)),
        );
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [spec, valid, chosen?.instrument.symbol, chosen?.timeframe, fromTs, toTs]);

  const markers = useMemo(() => {
    return markerSet(preview ? markersOf(preview) : []);
  }, [preview]);

  if (series.data && list.length === 0) return <div className="muted">Import data to preview signals.</div>;
  return (
    <section className="panel col" data-testid="signal-preview">
      <div className="row">
        <h3 style={{ margin: 0 }}>Signal preview</h3>
        <select aria-label="Preview instrument" value={chosen ? `${chosen.instrument.symbol}/${chosen.timeframe}` : ''} onChange={(event) => setKey(event.target.value)}>
          {list.map((s) => (
            <option key={`${s.instrument.symbol}/${s.timeframe}`} value={`${s.instrument.symbol}/${s.timeframe}`}>
              {s.instrument.symbol} {s.timeframe}
            </option>
          ))}
        </select>
        <span className="muted" data-testid="preview-count">
          {!valid
            ? 'Fix the errors to preview.'
            : preview
              ? `${entriesOf(preview)} entries, ${preview.kind.length - entriesOf(preview)} exits over ${formatCount(preview.barsScanned)} bars${preview.truncated ? ' (first ones shown)' : ''}`
              : 'Computing…'}
        </span>
        {error && <span className="bad">{error}</span>}
      </div>
      {chosen && <PriceChart symbol={chosen.instrument.symbol} timeframe={chosen.timeframe} fromTs={fromTs} toTs={toTs === undefined ? undefined : toTs + 1} markers={markers} height={260} />}
    </section>
  );
}
