import { useState } from 'react';
import { api } from '../../api/client.js';
import { errorMessage } from '../../api/api-error.js';
import type { ResultOf, Timeframe } from '../../api/contract.js';
import { EmptyState } from '../../components/EmptyState.js';
import { formatCount, formatTs } from '../../app/format.js';
import { closuresText } from './closures-text.js';

export interface SeriesKey {
  readonly symbol: string;
  readonly timeframe: Timeframe;
}

type Summary = ResultOf<'data/listSeries'>[number];

/**
 * The stored series: one row per instrument and timeframe; a click shows its coverage. A
 * series downloaded from an exchange has an Update button: it downloads what is new since
 * its last bar (a job the Download panel follows).
 */
export function SeriesTable(props: {
  series: Summary[] | undefined;
  loading: boolean;
  selected: SeriesKey | null;
  onSelect: (key: SeriesKey) => void;
  onDownloadStarted: (jobId: string) => void;
}) {
  const { series, loading, selected, onSelect, onDownloadStarted } = props;
  const [updateError, setUpdateError] = useState<string | null>(null);
  const update = (key: SeriesKey): void => {
    setUpdateError(null);
    api()
      .invoke('data/update', { symbol: key.symbol, timeframe: key.timeframe })
      .then(({ jobId }) => onDownloadStarted(jobId), (error: unknown) => setUpdateError(errorMessage(error)));
  };
  if (!series) return <div className="muted" style={{ minHeight: 120 }}>{loading ? 'Loading…' : ''}</div>;
  if (series.length === 0) {
    return (
      <EmptyState title="No market data yet" testId="series-empty">
        First import a CSV of bars or download from an exchange above (or run `npx bws demo` for a synthetic demo set).
      </EmptyState>
    );
  }
  return (
    <>
      {updateError && (
        <div className="bad" data-testid="update-error">
          {updateError}
        </div>
      )}
      <table className="grid" data-testid="series-table">
        <thead>
          <tr>
            <th>Symbol</th>
            <th>Venue</th>
            <th>Timeframe</th>
            <th>First bar (UTC)</th>
            <th>Last bar (UTC)</th>
            <th className="num">Bars</th>
            <th className="num">Gaps</th>
            <th title="Every instrument with a tag is a universe on the Run form; edit the selected instrument's tags below">Tags</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {series.map((s) => {
            const isSelected = selected?.symbol === s.instrument.symbol && selected.timeframe === s.timeframe;
            return (
              <tr
                key={`${s.instrument.symbol}/${s.timeframe}`}
                data-testid="series-row"
                data-symbol={s.instrument.symbol}
                aria-selected={isSelected}
                style={{ cursor: 'pointer', background: isSelected ? 'var(--selection)' : undefined }}
                onClick={() => onSelect({ symbol: s.instrument.symbol, timeframe: s.timeframe })}
              >
                <td>{s.instrument.symbol}</td>
                <td>{s.instrument.venue}</td>
                <td>{s.timeframe}</td>
                <td>{formatTs(s.firstTs)}</td>
                <td>{formatTs(s.lastTs)}</td>
                <td className="num">{formatCount(s.barCount)}</td>
                <td className={`num ${s.gapCount > 0 ? 'bad' : ''}`} title={s.weekendClosures + s.sessionClosures > 0 ? `${closuresText(s.weekendClosures, s.sessionClosures)} not counted: the market was closed` : undefined}>
                  {formatCount(s.gapCount)}
                </td>
                <td data-testid="series-tags">
                  {s.tags.map((tag) => (
                    <span key={tag} className="tag">
                      {tag}
                    </span>
                  ))}
                </td>
                <td>
                  {s.instrument.source && (
                    <button
                      className="link"
                      data-testid="series-update"
                      title={`Download what is new since the last bar from ${s.instrument.source.exchange} ${s.instrument.source.market}`}
                      onClick={(event) => {
                        event.stopPropagation();
                        update({ symbol: s.instrument.symbol, timeframe: s.timeframe });
                      }}
                    >
                      Update
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
