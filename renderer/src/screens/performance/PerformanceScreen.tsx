import { useState } from 'react';
import { api } from '../../api/client.js';
import type { ResultOf } from '../../api/contract.js';
import { formatCount, formatNumber, formatTs } from '../../app/format.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { ClusterPanel } from '../../components/ClusterPanel.js';
import { useVisiblePoll } from './use-visible-poll.js';

type PerformanceReport = ResultOf<'system/performance'>;

const REFRESH_MS = 1_500;
const MB = 1024 * 1024;
const mb = (bytes: number): string => `${formatNumber(bytes / MB, 1)} MB`;
const pct = (fraction: number | null): string => (fraction === null ? '—' : `${formatNumber(fraction * 100, 1)} %`);
const ms = (value: number): string => formatNumber(value, value < 10 ? 2 : 1);

/** Performance: the core's own figures, refreshed every 1.5 s while this screen is visible. */
export function PerformanceScreen() {
  const report = useVisiblePoll(() => api().invoke('system/performance'), REFRESH_MS);
  const data = report.data;
  return (
    <div className="col" data-testid="performance">
      <div className="row panel">
        <h2 style={{ margin: 0 }}>Performance</h2>
        <span className="muted" data-testid="perf-collected" data-collected-at={data?.collectedAt}>
          {data ? `collected ${new Date(data.collectedAt).toISOString().slice(11, 19)} UTC · refreshes every ${REFRESH_MS / 1000} s while visible` : 'Loading…'}
        </span>
      </div>
      <ErrorBox message={report.error} testId="perf-error" />
      {data && (
        <>
          <div className="perf-grid">
            <Throughput report={data} />
            <Memory report={data} />
          </div>
          <Pools report={data} />
          <ClusterPanel title="Cluster queue and agents" />
          <Handlers report={data} />
          <SlowSql report={data} />
        </>
      )}
    </div>
  );
}

function Handlers({ report }: { report: PerformanceReport }) {
  const [sortBy, setSortBy] = useState<'name' | 'calls' | 'p95'>('p95');
  const rows = [...report.handlers].sort((a, b) => (sortBy === 'name' ? a.name.localeCompare(b.name) : sortBy === 'calls' ? b.calls - a.calls : b.p95 - a.p95));
  return (
    <section className="panel col">
      <div className="row">
        <h3 style={{ margin: 0 }}>API handler latency (ms)</h3>
        <span className="muted">sort</span>
        <select data-testid="perf-handler-sort" value={sortBy} onChange={(event) => setSortBy(event.target.value as typeof sortBy)}>
          <option value="p95">slowest p95</option>
          <option value="calls">most calls</option>
          <option value="name">name</option>
        </select>
      </div>
      <table className="grid" data-testid="perf-handlers">
        <thead>
          <tr>
            <th>Handler</th>
            <th className="num">Calls</th>
            <th className="num">Failures</th>
            <th className="num">p50</th>
            <th className="num">p95</th>
            <th className="num">p99</th>
            <th className="num">Max</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((h) => (
            <tr key={h.name} data-testid="perf-handler" data-name={h.name}>
              <td>{h.name}</td>
              <td className="num">{formatCount(h.calls)}</td>
              <td className={h.failures > 0 ? 'num bad' : 'num'}>{formatCount(h.failures)}</td>
              <td className="num" data-testid="perf-p50">
                {ms(h.p50)}
              </td>
              <td className="num">{ms(h.p95)}</td>
              <td className="num">{ms(h.p99)}</td>
              <td className="num">{ms(h.max)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Throughput({ report }: { report: PerformanceReport }) {
  const t = report.throughput;
  return (
    <section className="panel col" data-testid="perf-throughput">
      <h3 style={{ margin: 0 }}>Throughput (median of recent jobs)</h3>
      <div className="row">
        <span>
          Backtests: <strong data-testid="perf-bars-per-second">{t.barsPerSecond === null ? '—' : `${formatNumber(t.barsPerSecond, 0)} bars/s`}</strong>
          <span className="muted"> ({t.backtests.length} recent)</span>
        </span>
        <span>
          Sweeps: <strong data-testid="perf-variants-per-second">{t.variantsPerSecond === null ? '—' : `${formatNumber(t.variantsPerSecond, 1)} variants/s`}</strong>
          <span className="muted"> ({t.sweeps.length} recent)</span>
        </span>
      </div>
    </section>
  );
}

function Memory({ report }: { report: PerformanceReport }) {
  const m = report.memory;
  return (
    <section className="panel col" data-testid="perf-memory">
      <h3 style={{ margin: 0 }}>Memory</h3>
      <span>
        Main: RSS <strong data-testid="perf-rss">{mb(m.main.rssBytes)}</strong> (all threads) · heap {mb(m.main.heapUsedBytes)} / {mb(m.main.heapTotalBytes)} · external {mb(m.main.externalBytes)} · array buffers{' '}
        {mb(m.main.arrayBuffersBytes)}
      </span>
      {m.workers.length === 0 ? (
        <span className="muted">No idle worker answered yet.</span>
      ) : (
        <table className="grid" data-testid="perf-worker-memory">
          <thead>
            <tr>
              <th>Worker</th>
              <th className="num">Heap used</th>
              <th className="num">External</th>
              <th className="num">Array buffers</th>
            </tr>
          </thead>
          <tbody>
            {m.workers.map((w) => (
              <tr key={`${w.pool}-${w.workerId}`}>
                <td>
                  {w.pool} #{w.workerId}
                </td>
                <td className="num">{mb(w.heapUsedBytes)}</td>
                <td className="num">{mb(w.externalBytes)}</td>
                <td className="num">{mb(w.arrayBuffersBytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Pools({ report }: { report: PerformanceReport }) {
  return (
    <section className="panel col">
      <h3 style={{ margin: 0 }}>Worker pools and caches</h3>
      {report.pools.length === 0 ? (
        <span className="muted" data-testid="perf-no-pools">
          No worker pool started yet (the first backtest starts one).
        </span>
      ) : (
        <table className="grid" data-testid="perf-pools">
          <thead>
            <tr>
              <th>Pool</th>
              <th className="num">Workers</th>
              <th className="num">Busy</th>
              <th className="num">Utilization</th>
              <th className="num">Queued</th>
              <th className="num">Completed</th>
              <th className="num">Failed</th>
              <th className="num">Cancelled</th>
              <th className="num">Timed out</th>
              <th className="num">Replaced</th>
              <th className="num">Bar cache hits</th>
              <th className="num">Indicator cache hits</th>
            </tr>
          </thead>
          <tbody>
            {report.pools.map((p) => {
              const caches = report.caches.find((c) => c.pool === p.pool);
              return (
                <tr key={p.pool} data-testid="perf-pool" data-pool={p.pool}>
                  <td>{p.pool}</td>
                  <td className="num">{p.size}</td>
                  <td className="num">{p.busy}</td>
                  <td className="num">
                    <span className="util-bar" style={{ ['--util' as string]: `${Math.round(p.utilization * 100)}%` }} />
                    {pct(p.utilization)}
                  </td>
                  <td className="num">{p.queued}</td>
                  <td className="num" data-testid="perf-pool-completed">
                    {formatCount(p.completed)}
                  </td>
                  <td className="num">{p.failed}</td>
                  <td className="num">{p.cancelled}</td>
                  <td className="num">{p.timedOut}</td>
                  <td className="num">{p.replaced}</td>
                  <td className="num" title={caches ? `${caches.bars.hits} hits / ${caches.bars.misses} misses, ${mb(caches.bars.bytes)} of ${mb(caches.bars.maxBytes)}` : ''}>
                    {caches ? pct(caches.bars.hitRate) : '—'}
                  </td>
                  <td className="num" title={caches ? `${caches.indicators.hits} hits / ${caches.indicators.misses} misses, ${caches.indicators.entries} entries` : ''}>
                    {caches ? pct(caches.indicators.hitRate) : '—'}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <span className="muted" style={{ fontSize: 12 }}>
        Cache figures come from idle workers only (a busy worker cannot answer).
      </span>
    </section>
  );
}

function SlowSql({ report }: { report: PerformanceReport }) {
  return (
    <section className="panel col" data-testid="perf-slow-sql">
      <h3 style={{ margin: 0 }}>Slow SQL ({report.slowStatements.length})</h3>
      {report.slowStatements.length === 0 ? (
        <span className="muted">No slow statements logged.</span>
      ) : (
        <table className="grid">
          <thead>
            <tr>
              <th>When (UTC)</th>
              <th className="num">ms</th>
              <th className="num">Rows</th>
              <th>Statement</th>
            </tr>
          </thead>
          <tbody>
            {[...report.slowStatements].sort((a, b) => b.ts - a.ts).map((s, i) => (
              <tr key={`${s.ts}-${i}`} data-testid="perf-slow-statement">
                <td>{formatTs(s.ts)}</td>
                <td className="num">{ms(s.durationMs)}</td>
                <td className="num">{s.rows ?? '—'}</td>
                <td style={{ whiteSpace: 'normal', fontFamily: 'monospace', fontSize: 12 }}>{s.sqlShape}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
