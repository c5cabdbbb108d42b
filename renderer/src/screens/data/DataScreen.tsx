import { useEffect, useState } from 'react';
import { api, settledEarly } from '../../api/client.js';
import { useDataChanged } from '../../api/use-data-changed.js';
import { useQuery } from '../../api/use-query.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { FIRST_SCREEN_MARK } from '../../app/first-screen-priming.js';
import type { Route } from '../../app/use-route.js';
import { FirstSteps } from '../../components/FirstSteps.js';
import { CoveragePanel } from './CoveragePanel.js';
import { DownloadPanel } from './DownloadPanel.js';
import { ImportPanel } from './ImportPanel.js';
import { InstrumentTags } from './InstrumentTags.js';
import { SeriesDelete } from './SeriesDelete.js';
import { SeriesTable, type SeriesKey } from './SeriesTable.js';

/** Data: the stored instruments/timeframes with coverage and gaps, their tags, import, download, export and delete. */
export function DataScreen({ navigate }: { navigate: (route: Route) => void }) {
  const series = useQuery(() => api().invoke('data/listSeries'), [], () => settledEarly('data/listSeries'));
  const [selected, setSelected] = useState<SeriesKey | null>(null);
  // The download job the Download panel follows: started there, by a row's Update or a gap's Download.
  const [downloadJob, setDownloadJob] = useState<string | null>(null);
  const selectedInstrument = series.data?.find((s) => s.instrument.symbol === selected?.symbol);
  const selectedSource = selectedInstrument?.instrument.source;

  // For the perf script: the moment the first screen has its data (painted on the next frame).
  useEffect(() => {
    if (series.data && performance.getEntriesByName(FIRST_SCREEN_MARK).length === 0) requestAnimationFrame(() => performance.mark(FIRST_SCREEN_MARK));
  }, [series.data]);

  // Another window or a finished import changed the store: reload the list.
  useDataChanged('series', series.reload);

  return (
    <div className="col" style={{ maxWidth: 1200 }}>
      {series.data && <FirstSteps hasData={series.data.length > 0} navigate={navigate} />}
      <ImportPanel onImported={series.reload} />
      <DownloadPanel jobId={downloadJob} onStarted={setDownloadJob} onStored={series.reload} />
      <section className="panel">
        <h2>Instruments</h2>
        <ErrorBox message={series.error} />
        <SeriesTable series={series.data} loading={series.loading} selected={selected} onSelect={setSelected} onDownloadStarted={setDownloadJob} />
        {selectedInstrument && <InstrumentTags symbol={selectedInstrument.instrument.symbol} tags={selectedInstrument.tags} onChanged={series.reload} />}
        <SeriesDelete
          selected={selected}
          series={series.data ?? []}
          onDeleted={() => {
            setSelected(null);
            series.reload();
          }}
          onRestored={series.reload}
        />
      </section>
      {selected && (
        <CoveragePanel key={`${selected.symbol}/${selected.timeframe}`} series={selected} source={selectedSource} onDownloadStarted={setDownloadJob} />
      )}
    </div>
  );
}
