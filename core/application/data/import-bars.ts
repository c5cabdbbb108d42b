import { DomainError } from '../../domain/errors.js';
import { allocateBars, barProblem, lowerBound, sliceBars, type BarColumns } from '../../domain/market/bars.js';
import { assertInstrumentDraft, type Instrument, type InstrumentDraft, type InstrumentSource } from '../../domain/market/instrument.js';
import { describeSpacing, typicalSpacing, type BarSpacing } from '../../domain/market/bar-spacing.js';
import { finerPriceDecimals, priceDecimals, priceTickOfDecimals } from '../../domain/market/price-precision.js';
import { parseTimeframe, TIMEFRAMES, timeframeMs, type Timeframe } from '../../domain/market/timeframe.js';
import { CancelledError, ImportRejectedError, ValidationError, type RowError } from '../errors.js';
import type { BarStore, StagedSeriesWrite } from './bar-store.js';

/** What to do with a second row at a timestamp already seen in the same file. */
export type DuplicatePolicy = 'reject' | 'lastWins';

/** One file of an import: its path and what messages call it (default: the path). */
export interface ImportFile {
  readonly path: string;
  readonly name?: string;
}

export interface ImportBarsOptions {
  /** Path of the file: a CSV, or a zip archive of CSVs (an exchange's kline archive). */
  readonly file: string;
  /** What messages and row errors call the file (default `file`): the user's own name of an uploaded copy. */
  readonly fileName?: string;
  /**
   * Several files imported as one series in one import (e.g. a folder of monthly archives):
   * read in the order of their first bars. When given, `file` and `fileName` only name the set.
   */
  readonly files?: readonly ImportFile[];
  readonly symbol: string;
  /**
   * Default 'auto': the timeframe whose bar length is the file's typical spacing. A chosen
   * timeframe that the spacing contradicts refuses the file (see `forceTimeframe`).
   */
  readonly timeframe?: Timeframe | 'auto' | string;
  /** Imports under the chosen timeframe even when the file's bar spacing says otherwise. */
  readonly forceTimeframe?: boolean;
  /** Quantity step of the instrument; default: the stored one, else 1. */
  readonly qtyStep?: number;
  /**
   * Price tick of the instrument; default: the stored one, else inferred from the file
   * (the finest decimal of its prices, see domain/market/price-precision.ts).
   */
  readonly tick?: number;
  readonly venue?: string;
  readonly quoteCurrency?: string;
  /** The exchange and market the bars come from (a download); an import from files keeps the stored one. */
  readonly source?: InstrumentSource;
  /** Skip rows that fail to parse or validate (each is reported) instead of refusing the file. */
  readonly skipBadRows?: boolean;
  /** Default 'reject'. */
  readonly duplicates?: DuplicatePolicy;
  /**
   * Whether messages may quote the file's text (default true). False for a file the caller
   * could not otherwise read (web mode: a file in a named folder, not an upload).
   */
  readonly showContent?: boolean;
}

export interface ImportReport {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** Data rows read from the file (header and blank lines excluded). */
  readonly rowsRead: number;
  readonly barsWritten: { readonly inserted: number; readonly replaced: number };
  /** Skipped rows (skipBadRows), at most MAX_LISTED_ROW_ERRORS of them. */
  readonly skipped: readonly RowError[];
  /** All skipped rows, listed or not. */
  readonly skippedCount: number;
  /** Rows whose timestamp another row of the file already had. */
  readonly duplicates: number;
  readonly firstTs: number | null;
  readonly lastTs: number | null;
  /** The typical step between the file's first bars in ms (what 'auto' and the check used); null if unknown. */
  readonly spacingMs: number | null;
  /** The instrument's price tick after the import. */
  readonly priceTick: number;
  /** Where the tick came from: the options, the instrument already stored, or the file's prices. */
  readonly priceTickSource: 'given' | 'stored' | 'inferred';
  /**
   * Things the user should know that did not stop the import: prices finer than the stored
   * tick, prices that look wrong (PRICE_OUTLIER_MAX, PRICE_JUMP_FACTOR).
   */
  readonly warnings: readonly string[];
  readonly durationMs: number;
}

export interface ImportProgress {
  readonly rowsRead: number;
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly rowsPerSecond: number;
  /** 1 while streaming; 2 when an unsorted file is read again to be sorted. */
  readonly pass: 1 | 2;
}

/**
 * One batch of rows read from a bar file, in file order, as columns. Rows that could
 * not be parsed are not in the columns; they come back as `rowErrors` instead.
 */
export interface ParsedBarBatch {
  /** Parsed rows in the columns (the arrays may be longer; read [0, count)). */
  readonly count: number;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /** 1-based line of each parsed row. */
  readonly line: Float64Array;
  /** Rows read in this batch, parsed or not. */
  readonly rowsRead: number;
  readonly rowErrors: readonly RowError[];
  /** The file the rows come from, when a source reads several (an archive's entries): row errors name it. */
  readonly file?: string;
}

/**
 * Reads a bar file front to back in batches, synchronously, so that the whole import
 * runs inside one store transaction. A batch's arrays may be reused by the next call.
 */
export interface BarRowSource {
  readonly totalBytes: number;
  readonly bytesRead: number;
  /** Returns the next batch, or null at the end of the file. */
  nextBatch(): ParsedBarBatch | null;
  close(): void;
}

export interface ImportControl {
  /** Clock in ms (injected: core code does not read the wall clock itself). */
  now(): number;
  /** Names what the import stages in the store, so its owner can discard it if the thread writing it dies. */
  readonly tag?: string;
  /** Polled between batches (and by a source while it reads); true cancels the import (nothing written, CancelledError). */
  isCancelled?(): boolean;
  onProgress?(progress: ImportProgress): void;
}

/** Row errors listed in an error or report; the total is always counted. */
export const MAX_LISTED_ROW_ERRORS = 1000;
/** Rows (at most) whose timestamps the timeframe detection and check look at. */
export const SPACING_SAMPLE_ROWS = 1000;
/**
 * Bars (at least) in the sample before a step wider than the chosen timeframe refuses a
 * file: a handful of bars with a wider step may be a short series with holes in it.
 */
export const SPACING_MIN_SAMPLE = 20;
/**
 * A price above this is imported but said: no instrument trades there, so it is a broken
 * or misread row (1e300), not a price.
 */
export const PRICE_OUTLIER_MAX = 1e12;
/** A close this many times the previous close (or that fraction of it) is imported but said. */
export const PRICE_JUMP_FACTOR = 1000;
/** Rows a warning about prices names by line; the rest are counted. */
export const MAX_LISTED_PRICE_OUTLIERS = 5;
/** Bars handed to BarStore.mergeBars at a time. */
export const MERGE_BATCH_BARS = 65_536;
const PROGRESS_INTERVAL_MS = 100;

class RowErrorList {
  readonly listed: RowError[] = [];
  total = 0;
  add(error: RowError): void {
    this.total++;
    if (this.listed.length < MAX_LISTED_ROW_ERRORS) this.listed.push(error);
  }
  /** The listed errors in file order: parse errors and a batch's bar checks are found in two sweeps. */
  inLineOrder(): RowError[] {
    return [...this.listed].sort((a, b) => a.line - b.line);
  }
}

/** What messages and row errors call the file: the user's name of an upload, else its path. */
const displayName = (options: ImportBarsOptions): string => options.fileName ?? options.file;

/** '1 bad row', '2 bad rows'. */
const rows = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** Thrown inside the streaming pass when a row goes back in time; the pass is rolled back. */
class UnsortedInput extends Error {}

/**
 * Imports bars from a file into the store, all or nothing for every reader: batches are
 * merged into a staged write of the series (StagedSeriesWrite: short transactions no
 * reader sees), which one short commit makes visible together with the instrument, so a
 * refused, failed, cancelled or killed import leaves the store as it was and a long
 * import never holds the write lock for long. A sorted file is streamed straight into
 * the store with bounded memory; a file with rows out of order is read a second time into
 * columns (56 bytes per row), sorted, then merged. `openSource` is called once per pass.
 */
export function importBars(
  store: BarStore,
  openSource: () => BarRowSource,
  options: ImportBarsOptions,
  control: ImportControl,
): ImportReport {
  const startedAt = control.now();
  const fileName = displayName(options);
  const chosen = options.timeframe ?? 'auto';
  if (chosen !== 'auto') parseOption(() => parseTimeframe(chosen));
  const known = store.findInstrument(options.symbol);
  const draft = instrumentDraft(known, options);
  const force = options.forceTimeframe === true;
  const resolveTimeframe = (spacing: BarSpacing | null, bars: number): Timeframe => timeframeFor(fileName, chosen, spacing, force, bars);
  const policy = options.duplicates ?? 'reject';
  if (policy !== 'reject' && policy !== 'lastWins') throw new ValidationError(`Unknown duplicates policy "${String(policy)}"`);

  const run = (sortInMemory: boolean): ImportReport => {
    const pass = new ImportPass(store, resolveTimeframe, options, control, sortInMemory ? 2 : 1);
    try {
      const source = openSource();
      try {
        pass.readAll(source);
      } finally {
        source.close();
      }
      const outcome = pass.finish();
      if (outcome.inserted + outcome.replaced === 0 || outcome.timeframe === null) {
        // Importing nothing is refused like an empty file, so no empty instrument is left behind.
        throw new ImportRejectedError(
          `${fileName}: no bars to import (${rows(outcome.rowsRead, 'data row')} read, ${outcome.skipped.total} skipped); nothing was written`,
          outcome.skipped.inLineOrder(),
        );
      }
      const tick = settlePriceTick(known, options, outcome.priceDecimals);
      // Read before the commit: the instrument's prices as they were stored.
      const level = known && outcome.firstTs !== null ? priceLevelWarnings(store, known, fileName, outcome.firstTs, outcome.firstClose) : [];
      pass.commit({ ...draft, priceTick: tick.priceTick });
      return {
        symbol: draft.symbol,
        timeframe: outcome.timeframe,
        rowsRead: outcome.rowsRead,
        barsWritten: { inserted: outcome.inserted, replaced: outcome.replaced },
        skipped: outcome.skipped.inLineOrder(),
        skippedCount: outcome.skipped.total,
        duplicates: outcome.duplicates,
        firstTs: outcome.firstTs,
        lastTs: outcome.lastTs,
        spacingMs: outcome.spacingMs,
        priceTick: tick.priceTick,
        priceTickSource: tick.source,
        warnings: [...tick.warnings, ...level, ...priceOutlierWarnings(fileName, outcome.priceOutliers)],
        durationMs: control.now() - startedAt,
      };
    } catch (error) {
      pass.discard();
      throw error;
    }
  };

  try {
    return run(false);
  } catch (error) {
    if (!(error instanceof UnsortedInput)) throw error;
    return run(true);
  }
}

/**
 * Returns the timeframe to store the file under: the detected one for 'auto', else the
 * chosen one if the file's spacing agrees. Bars spaced closer than the chosen timeframe
 * cannot be bars of it, and a file whose typical step is a day is not a minute series
 * with gaps: both are refused (the wider step once the sample has SPACING_MIN_SAMPLE
 * bars), naming what was detected and what was chosen.
 */
function timeframeFor(fileName: string, chosen: string, spacing: BarSpacing | null, force: boolean, bars: number): Timeframe {
  const measured = spacing
    ? `its bars are ${describeSpacing(spacing.spacingMs)} apart (the most common step between its first ${spacing.sampleSize} bars)`
    : '';
  if (chosen === 'auto') {
    if (!spacing) {
      throw new ValidationError(
        `${fileName}: the timeframe cannot be detected from fewer than two bars with distinct timestamps (the file holds ${rows(bars, 'bar')}); choose the timeframe`,
      );
    }
    if (!spacing.timeframe) {
      throw new ValidationError(`${fileName}: ${measured}, which is not a timeframe the workstation stores (${TIMEFRAMES.join(', ')}); nothing was imported`);
    }
    return spacing.timeframe;
  }
  const timeframe = chosen as Timeframe;
  if (!spacing || force) return timeframe;
  const length = timeframeMs(timeframe);
  if (spacing.spacingMs === length || (spacing.spacingMs > length && spacing.sampleSize < SPACING_MIN_SAMPLE)) return timeframe;
  const advice = spacing.timeframe ? `import it as ${spacing.timeframe}` : 'choose the timeframe of its bars';
  throw new ValidationError(`${fileName}: ${measured}, but the timeframe chosen is ${timeframe}; ${advice}. Nothing was imported.`, {
    detectedSpacingMs: spacing.spacingMs,
    detectedTimeframe: spacing.timeframe,
    chosenTimeframe: timeframe,
  });
}

function parseOption<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof DomainError) throw new ValidationError(error.message);
    throw error;
  }
}

/** The price tick the instrument is written with before the file is read; an inferred one replaces it at the end. */
const PROVISIONAL_TICK = 0.01;

function instrumentDraft(known: Instrument | null, options: ImportBarsOptions): InstrumentDraft {
  // Options left out keep what the store already knows about the instrument.
  const draft: InstrumentDraft = {
    symbol: options.symbol,
    venue: options.venue ?? known?.venue ?? 'CSV',
    priceTick: options.tick ?? known?.priceTick ?? PROVISIONAL_TICK,
    quantityStep: options.qtyStep ?? known?.quantityStep ?? 1,
    quoteCurrency: options.quoteCurrency ?? known?.quoteCurrency ?? 'USD',
    timeZone: known?.timeZone ?? 'UTC',
    ...(options.source === undefined ? {} : { source: options.source }),
  };
  parseOption(() => assertInstrumentDraft(draft));
  return draft;
}

/**
 * The tick the instrument keeps: the one given, else the stored one (an import does not
 * change a tick the user may have set; it warns when the file quotes finer prices), else
 * one unit of the finest decimal in the file's prices.
 */
function settlePriceTick(
  known: Instrument | null,
  options: ImportBarsOptions,
  fileDecimals: number,
): { priceTick: number; source: ImportReport['priceTickSource']; warnings: string[] } {
  if (options.tick !== undefined) {
    // A tick coarser than the file's prices (--tick 1000 for prices of 100.1234) moves every fill: said, as for a stored tick.
    const warnings =
      fileDecimals > priceDecimals(options.tick)
        ? [`${displayName(options)} quotes prices to ${fileDecimals} decimals, finer than the price tick ${options.tick} given: backtests round fills to the tick.`]
        : [];
    return { priceTick: options.tick, source: 'given', warnings };
  }
  const inferred = priceTickOfDecimals(fileDecimals);
  if (!known) return { priceTick: inferred, source: 'inferred', warnings: [] };
  const warnings =
    fileDecimals > priceDecimals(known.priceTick)
      ? [
          `${displayName(options)} quotes prices to ${fileDecimals} decimals, finer than ${known.symbol}'s stored price tick ${known.priceTick}: ` +
            `backtests round fills to the tick. Import again with the price tick ${inferred} to change it.`,
        ]
      : [];
  return { priceTick: known.priceTick, source: 'stored', warnings };
}

/** A row whose prices look wrong, and why ('a price of 1e+300'). */
interface PriceOutlier {
  readonly line: number;
  readonly why: string;
}

/** Rows whose prices look wrong, in time order: the first MAX_LISTED_PRICE_OUTLIERS, and how many in all. */
class PriceOutlierList {
  readonly listed: PriceOutlier[] = [];
  total = 0;
  add(line: number, why: string): void {
    this.total++;
    if (this.listed.length < MAX_LISTED_PRICE_OUTLIERS) this.listed.push({ line, why });
  }
}

/** The warning about rows whose prices look wrong (none when there are none): they were imported as they are. */
/**
 * A file's first close this many times the instrument's stored close nearest in time (or
 * that fraction): another instrument's prices. Within a week of each other, 5 times; further
 * apart prices may have moved that much (GOOG 2004-2013: 100 to 800), so 50 times.
 */
const PRICE_LEVEL_FACTOR_NEAR = 5;
const PRICE_LEVEL_FACTOR_FAR = 50;
const PRICE_LEVEL_NEAR_MS = 7 * 86_400_000;

/**
 * Compares the file's first close with each stored series of the instrument at the stored
 * bar nearest to it in time: prices that far apart are most likely another instrument's
 * file imported under this symbol (EUR/USD at 1.07 as GOOG at 800). Said, not refused: the
 * bars are imported, and a delete on the Data screen undoes it.
 */
function priceLevelWarnings(store: BarStore, instrument: Instrument, fileName: string, firstTs: number, firstClose: number): string[] {
  if (!(firstClose > 0)) return [];
  const warnings: string[] = [];
  for (const series of store.listSeries()) {
    if (series.instrument.id !== instrument.id || series.firstTs === null || series.lastTs === null) continue;
    // The stored bars around the file's first one, else the series' end nearest to it.
    const from = Math.max(series.firstTs, Math.min(series.lastTs, firstTs - PRICE_LEVEL_NEAR_MS));
    const near = store.readBars(instrument.id, series.timeframe, from, Math.max(from + 1, Math.min(series.lastTs + 1, firstTs + PRICE_LEVEL_NEAR_MS)));
    const n = near.ts.length;
    if (n === 0) continue;
    const k = Math.min(n - 1, lowerBound(near.ts, firstTs));
    const at = k > 0 && firstTs - near.ts[k - 1]! < near.ts[k]! - firstTs ? k - 1 : k;
    const stored = near.close[at]!;
    const factor = Math.abs(near.ts[at]! - firstTs) <= PRICE_LEVEL_NEAR_MS ? PRICE_LEVEL_FACTOR_NEAR : PRICE_LEVEL_FACTOR_FAR;
    if (firstClose > stored * factor || firstClose * factor < stored) {
      warnings.push(
        `${fileName}: its prices (close ${firstClose} on ${utcText(firstTs)}) are far from ${instrument.symbol} ${series.timeframe} as stored (close ${stored} on ${utcText(near.ts[at]!)}): ` +
          `is ${instrument.symbol} the right symbol for this file? The bars were imported; delete the series on the Data screen if not.`,
      );
    }
  }
  return warnings;
}

function priceOutlierWarnings(fileName: string, outliers: PriceOutlierList): string[] {
  if (outliers.total === 0) return [];
  const shown = outliers.listed.map((o) => `line ${o.line} (${o.why})`).join(', ');
  const more = outliers.total > outliers.listed.length ? ` and ${outliers.total - outliers.listed.length} more` : '';
  return [
    `${fileName}: ${rows(outliers.total, 'row')} ${outliers.total === 1 ? 'has a price' : 'have prices'} that ${outliers.total === 1 ? 'looks' : 'look'} wrong: ${shown}${more}. ` +
      `${outliers.total === 1 ? 'It was' : 'They were'} imported as they are; check the file: a backtest over them trades at these prices.`,
  ];
}

interface PassOutcome {
  /** Null only when nothing was written. */
  readonly timeframe: Timeframe | null;
  readonly firstClose: number;
  readonly spacingMs: number | null;
  readonly rowsRead: number;
  readonly inserted: number;
  readonly replaced: number;
  readonly duplicates: number;
  readonly skipped: RowErrorList;
  readonly firstTs: number | null;
  readonly lastTs: number | null;
  /** The finest decimals of the OHLC prices of the rows kept. */
  readonly priceDecimals: number;
  readonly priceOutliers: PriceOutlierList;
}

/** One read of the file: validates rows, then streams (pass 1) or collects and sorts (pass 2). */
class ImportPass {
  private readonly errors = new RowErrorList();
  private readonly sink: SortedBarSink;
  private readonly collected: GrowableBars | null;
  private rowsRead = 0;
  private priceDecimals = 0;
  private previousTs = -Infinity;
  private lastProgressAt: number;
  private readonly startedAt: number;

  constructor(
    store: BarStore,
    resolveTimeframe: (spacing: BarSpacing | null, bars: number) => Timeframe,
    private readonly options: ImportBarsOptions,
    private readonly control: ImportControl,
    private readonly pass: 1 | 2,
  ) {
    const stage = (timeframe: Timeframe) => store.stageSeries(options.symbol, timeframe, control.tag);
    this.sink = new SortedBarSink(stage, resolveTimeframe, options.duplicates ?? 'reject', displayName(options), this.errors);
    this.collected = pass === 2 ? new GrowableBars() : null;
    this.startedAt = control.now();
    this.lastProgressAt = this.startedAt;
  }

  /** True once the import is bound to be refused: no point writing anything more. */
  private get refusing(): boolean {
    return this.errors.total > 0 && !this.options.skipBadRows;
  }

  readAll(source: BarRowSource): void {
    for (let batch = source.nextBatch(); batch !== null; batch = source.nextBatch()) {
      this.throwIfCancelled();
      this.rowsRead += batch.rowsRead;
      for (const error of batch.rowErrors) this.errors.add(error);
      this.takeBatch(batch);
      this.reportProgress(source, false);
    }
    // The last word is the whole file, whatever the throttle let through before it.
    this.reportProgress(source, true);
  }

  private throwIfCancelled(): void {
    if (this.control.isCancelled?.()) throw new CancelledError('Import cancelled; nothing was written');
  }

  private takeBatch(b: ParsedBarBatch): void {
    const file = b.file ?? displayName(this.options);
    for (let i = 0; i < b.count; i++) {
      const ts = b.ts[i]!;
      const open = b.open[i]!;
      const high = b.high[i]!;
      const low = b.low[i]!;
      const close = b.close[i]!;
      const volume = b.volume[i]!;
      const line = b.line[i]!;
      // The inline test is barProblem's condition spelled out (NaN fails every
      // comparison): calling barProblem on every row cost ~0.4 µs a row, a quarter of
      // the import time, so it only runs to word the message of a suspect row.
      const sound =
        open > 0 && open < Infinity && close > 0 && close < Infinity && volume >= 0 && volume < Infinity &&
        low > 0 && low <= open && low <= close && high < Infinity && high >= open && high >= close;
      const problem = sound ? null : barProblem(open, high, low, close, volume);
      if (problem !== null) {
        this.errors.add({ file, line, message: problem });
        continue;
      }
      let decimals = this.priceDecimals;
      decimals = finerPriceDecimals(decimals, open);
      decimals = finerPriceDecimals(decimals, high);
      decimals = finerPriceDecimals(decimals, low);
      decimals = finerPriceDecimals(decimals, close);
      this.priceDecimals = decimals;
      if (this.collected) {
        if (this.refusing) continue;
        this.collected.push(ts, open, high, low, close, volume, line);
        continue;
      }
      if (ts < this.previousTs) {
        // Already refusing: only the error list matters, order does not.
        if (this.refusing) continue;
        throw new UnsortedInput();
      }
      this.previousTs = ts;
      this.sink.writing = !this.refusing;
      this.sink.push(ts, open, high, low, close, volume, line);
    }
  }

  private reportProgress(source: BarRowSource, force: boolean): void {
    const now = this.control.now();
    if (!this.control.onProgress || (!force && now - this.lastProgressAt < PROGRESS_INTERVAL_MS)) return;
    this.lastProgressAt = now;
    const seconds = (now - this.startedAt) / 1000;
    this.control.onProgress({
      rowsRead: this.rowsRead,
      bytesRead: source.bytesRead,
      totalBytes: source.totalBytes,
      rowsPerSecond: seconds > 0 ? Math.round(this.rowsRead / seconds) : 0,
      pass: this.pass,
    });
  }

  /** Makes what the pass staged visible, with the instrument (a cancel that came first still wins). */
  commit(instrument: InstrumentDraft): void {
    this.throwIfCancelled();
    this.sink.staged?.commit(instrument);
  }

  /** Drops what the pass staged (nothing of it was visible). */
  discard(): void {
    this.sink.staged?.discard();
  }

  finish(): PassOutcome {
    if (this.collected && !this.refusing) {
      const { bars, line } = this.collected.sortedByTime();
      for (let i = 0; i < bars.ts.length; i++) {
        if (i % MERGE_BATCH_BARS === 0) this.throwIfCancelled();
        this.sink.writing = !this.refusing;
        this.sink.push(bars.ts[i]!, bars.open[i]!, bars.high[i]!, bars.low[i]!, bars.close[i]!, bars.volume[i]!, line[i]!);
      }
    }
    this.sink.writing = !this.refusing;
    this.sink.finish();
    if (this.refusing) {
      const listed = this.errors.inLineOrder();
      const shown = listed.slice(0, 3).map((e) => `line ${e.line}: ${e.message}`);
      throw new ImportRejectedError(
        `${displayName(this.options)}: ${rows(this.errors.total, 'bad row')}; nothing was imported. ${shown.join('; ')}${this.errors.total > shown.length ? '; ...' : ''}`,
        listed,
      );
    }
    return {
      timeframe: this.sink.timeframe,
      spacingMs: this.sink.spacing?.spacingMs ?? null,
      rowsRead: this.rowsRead,
      inserted: this.sink.inserted,
      replaced: this.sink.replaced,
      duplicates: this.sink.duplicates,
      skipped: this.errors,
      firstTs: this.sink.firstTs,
      firstClose: this.sink.firstClose,
      lastTs: this.sink.lastTs,
      priceDecimals: this.priceDecimals,
      priceOutliers: this.sink.priceOutliers,
    };
  }
}

/**
 * Takes bars in time order, resolves equal timestamps by the duplicate policy and
 * merges them into the store MERGE_BATCH_BARS at a time. The newest bar is held back
 * at each flush so that a duplicate of it arriving next can still replace it.
 * The timeframe is settled from the spacing of the first SPACING_SAMPLE_ROWS bars in time
 * order (so an unsorted file is judged by its sorted bars), before anything is written.
 */
class SortedBarSink {
  private readonly buffer: BarColumns = allocateBars(MERGE_BATCH_BARS);
  private readonly lines = new Float64Array(MERGE_BATCH_BARS);
  private size = 0;
  /** False once the import is being refused: keep checking, stop writing. */
  writing = true;
  inserted = 0;
  replaced = 0;
  duplicates = 0;
  firstTs: number | null = null;
  /** The close of the first bar in time (compared with the instrument's stored prices). */
  firstClose = Number.NaN;
  lastTs: number | null = null;
  timeframe: Timeframe | null = null;
  spacing: BarSpacing | null = null;
  /** The series write, opened by the first flush (once the timeframe is settled). */
  staged: StagedSeriesWrite | null = null;
  /** Rows kept whose prices look wrong (said in the report, not refused). */
  readonly priceOutliers = new PriceOutlierList();
  /** The close of the newest bar, and of the one before it (what a bar replacing the newest follows). */
  private lastClose = Number.NaN;
  private closeBeforeLast = Number.NaN;

  constructor(
    private readonly stage: (timeframe: Timeframe) => StagedSeriesWrite,
    private readonly resolveTimeframe: (spacing: BarSpacing | null, bars: number) => Timeframe,
    private readonly policy: DuplicatePolicy,
    private readonly file: string,
    private readonly errors: RowErrorList,
  ) {}

  push(ts: number, open: number, high: number, low: number, close: number, volume: number, line: number): void {
    const b = this.buffer;
    const n = this.size;
    if (n > 0 && b.ts[n - 1] === ts) {
      this.duplicates++;
      if (this.policy === 'reject') {
        const first = this.lines[n - 1]!;
        this.errors.add({ file: this.file, line, message: `duplicate timestamp ${utcText(ts)} (also on line ${first})` });
        return;
      }
      this.set(n - 1, ts, open, high, low, close, volume, line);
      this.checkPrices(high, close, this.closeBeforeLast, line);
      this.lastClose = close;
      return;
    }
    this.checkPrices(high, close, this.lastClose, line);
    this.closeBeforeLast = this.lastClose;
    this.lastClose = close;
    if (n === MERGE_BATCH_BARS) this.flush(n - 1);
    this.set(this.size, ts, open, high, low, close, volume, line);
    this.size++;
    if (this.firstTs === null) {
      this.firstTs = ts;
      this.firstClose = close;
    }
    this.lastTs = ts;
    // Settled as soon as the sample is in: a mismatched file is refused without reading on.
    if (this.writing && this.timeframe === null && this.size === SPACING_SAMPLE_ROWS) this.settleTimeframe();
  }

  /**
   * Notes a row whose prices look wrong: its high (its highest price) above PRICE_OUTLIER_MAX,
   * or its close PRICE_JUMP_FACTOR times the previous bar's close or that fraction of it.
   */
  private checkPrices(high: number, close: number, previousClose: number, line: number): void {
    if (high > PRICE_OUTLIER_MAX) this.priceOutliers.add(line, `a price of ${high}`);
    else if (close > previousClose * PRICE_JUMP_FACTOR || close * PRICE_JUMP_FACTOR < previousClose) this.priceOutliers.add(line, `close ${close} after ${previousClose}`);
  }

  /** Measures the buffered bars (the first of the series) and fixes the timeframe; throws on a mismatch. */
  settleTimeframe(): Timeframe {
    this.spacing = typicalSpacing(this.buffer.ts, Math.min(this.size, SPACING_SAMPLE_ROWS));
    this.timeframe = this.resolveTimeframe(this.spacing, this.size);
    return this.timeframe;
  }

  finish(): void {
    this.flush(this.size);
  }

  private set(i: number, ts: number, open: number, high: number, low: number, close: number, volume: number, line: number): void {
    const b = this.buffer;
    b.ts[i] = ts;
    b.open[i] = open;
    b.high[i] = high;
    b.low[i] = low;
    b.close[i] = close;
    b.volume[i] = volume;
    this.lines[i] = line;
  }

  /** Merges the first `count` buffered bars and moves the rest to the front. */
  private flush(count: number): void {
    if (count > 0 && this.writing) {
      const timeframe = this.timeframe ?? this.settleTimeframe();
      this.staged ??= this.stage(timeframe);
      const counts = this.staged.add(sliceBars(this.buffer, 0, count));
      this.inserted += counts.inserted;
      this.replaced += counts.replaced;
    }
    const b = this.buffer;
    for (const column of [b.ts, b.open, b.high, b.low, b.close, b.volume, this.lines]) column.copyWithin(0, count, this.size);
    this.size -= count;
  }
}

/** Columns that double as they fill; used only for files whose rows are out of order. */
class GrowableBars {
  private bars: BarColumns = allocateBars(1 << 16);
  private line = new Float64Array(1 << 16);
  private size = 0;

  push(ts: number, open: number, high: number, low: number, close: number, volume: number, line: number): void {
    if (this.size === this.line.length) this.grow();
    const i = this.size++;
    this.bars.ts[i] = ts;
    this.bars.open[i] = open;
    this.bars.high[i] = high;
    this.bars.low[i] = low;
    this.bars.close[i] = close;
    this.bars.volume[i] = volume;
    this.line[i] = line;
  }

  private grow(): void {
    const next = allocateBars(this.line.length * 2);
    for (const key of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) next[key].set(this.bars[key]);
    const line = new Float64Array(this.line.length * 2);
    line.set(this.line);
    this.bars = next;
    this.line = line;
  }

  /** Returns the rows sorted by time, rows of equal time kept in file order. */
  sortedByTime(): { bars: BarColumns; line: Float64Array } {
    const n = this.size;
    const ts = this.bars.ts;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => ts[a]! - ts[b]! || a - b);
    const bars = allocateBars(n);
    const line = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      bars.ts[k] = ts[i]!;
      bars.open[k] = this.bars.open[i]!;
      bars.high[k] = this.bars.high[i]!;
      bars.low[k] = this.bars.low[i]!;
      bars.close[k] = this.bars.close[i]!;
      bars.volume[k] = this.bars.volume[i]!;
      line[k] = this.line[i]!;
    }
    return { bars, line };
  }
}

/** '2024-01-01 00:01 UTC' (seconds only when not 0): a time as a message shows it, not the ISO form. */
function utcText(ts: number): string {
  return `${new Date(ts).toISOString().replace('T', ' ').replace(/(:00)?\.000Z$/, '').replace(/Z$/, '')} UTC`;
}
