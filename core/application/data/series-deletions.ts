import type { Instrument } from '../../domain/market/instrument.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import { NotFoundError } from '../errors.js';
import type { BarDeletion, BarStore } from './bar-store.js';

/** How long a delete of bars can be undone: the Data screen's toast offers Undo for this long. */
export const UNDO_DELETE_MS = 15_000;
/**
 * Chunks removed per write while a delete is purged. A chunk is 4,096 bars (~200 KB); the
 * longest write of 16 is measured by bench/store.ts (docs/STORAGE.md, Figures): other
 * writes (a strategy save, a run) wait at most that long behind a purge.
 */
export const PURGE_SLICE_CHUNKS = 16;
/** A purge that failed is tried again after this long. */
const RETRY_MS = 5_000;

/** What a delete hid and how long it can be undone. */
export interface SeriesDeletion {
  readonly deletionId: string;
  readonly symbol: string;
  readonly timeframes: readonly Timeframe[];
  /** The instrument went too (every timeframe was deleted). */
  readonly wholeInstrument: boolean;
  /** Bars the delete hid, summed over its series. */
  readonly bars: number;
  readonly deletedAt: number;
  /** Until then `undo` brings the bars back as they were; then they are removed. */
  readonly undoUntil: number;
}

/** Timers, injected (core names no host API): the composition root passes the host's. */
export interface Scheduler {
  /** Calls `fn` after `ms`; returns a cancel. A pending call keeps no process alive (what is left is done at the next open). */
  after(ms: number, fn: () => void): () => void;
  /** Resolves on a later turn of the event loop: waiting calls and writes go first. */
  yield(): Promise<void>;
}

export interface SeriesDeletionsOptions {
  readonly now: () => number;
  readonly scheduler: Scheduler;
  readonly newId: () => string;
  /** Default UNDO_DELETE_MS. */
  readonly undoMs?: number;
  /** Default PURGE_SLICE_CHUNKS. */
  readonly sliceChunks?: number;
}

/**
 * Deleting stored bars, with an undo window that costs no copy: a delete hides the series
 * at once (BarStore.hideSeries, one short write), an undo unhides them exactly, and only
 * once the window has passed is the delete made final and are its chunks removed, a slice
 * per write with a yield to the event loop between slices, so no delete holds the write
 * lock for long. Nothing is ever half-deleted: the series stay hidden until their last
 * chunk is gone. A delete the app left undoable (killed within the window) is brought
 * back by `recover` at its next open, so a crash loses nothing; a final one is finished.
 * Runs made on the bars keep their results: they store their own trades and equity.
 */
export class SeriesDeletions {
  /** The cancel of each undoable delete's scheduled end of window, by deletion id. */
  private readonly timers = new Map<string, () => void>();
  private readonly purging = new Map<string, Promise<void>>();
  private closed = false;
  private readonly undoMs: number;
  private readonly sliceChunks: number;

  constructor(
    private readonly store: BarStore,
    private readonly options: SeriesDeletionsOptions,
  ) {
    this.undoMs = options.undoMs ?? UNDO_DELETE_MS;
    this.sliceChunks = options.sliceChunks ?? PURGE_SLICE_CHUNKS;
  }

  /**
   * Deletes the bars of `symbol` on `timeframe`, or on every timeframe (and the instrument)
   * when none is given; NotFoundError naming what is stored when there is nothing to delete.
   * `final` (the CLI, which offers no undo) skips the window: call `purge` next.
   */
  delete(symbol: string, timeframe?: Timeframe, options: { readonly final?: boolean } = {}): SeriesDeletion {
    const stored = this.store.listSeries().filter((s) => s.instrument.symbol === symbol);
    if (stored.length === 0) throw new NotFoundError(`No bars of "${symbol}" are stored`, { symbol });
    const series = timeframe === undefined ? stored : stored.filter((s) => s.timeframe === timeframe);
    if (series.length === 0) {
      throw new NotFoundError(`No ${timeframe} bars of ${symbol} are stored; its timeframes are ${stored.map((s) => s.timeframe).join(', ')}`, { symbol, timeframe });
    }
    const instrument = series[0]!.instrument;
    // Deleting the last timeframe takes the instrument too: nothing of it would be left to list.
    const wholeInstrument = series.length === stored.length;
    const deletedAt = this.options.now();
    const deletion = {
      id: this.options.newId(),
      instrumentId: instrument.id,
      timeframes: series.map((s) => s.timeframe),
      wholeInstrument,
      deletedAt,
      finalAt: options.final === true ? deletedAt : null,
    };
    this.store.hideSeries(deletion);
    if (deletion.finalAt === null) this.scheduleEnd(deletion.id, deletedAt + this.undoMs);
    const undoUntil = deletion.finalAt === null ? deletedAt + this.undoMs : deletedAt;
    return { ...this.describe(instrument, deletion), undoUntil, bars: series.reduce((n, s) => n + s.barCount, 0) };
  }

  /** Brings a delete's bars back as they were; NotFoundError once the window has passed (or for an unknown id). */
  undo(deletionId: string): SeriesDeletion {
    const pending = this.store.listDeletions().find((d) => d.id === deletionId);
    if (!pending || pending.finalAt !== null || this.options.now() >= pending.deletedAt + this.undoMs || !this.store.restoreDeletion(deletionId)) {
      throw new NotFoundError(`Too late to undo: the ${this.undoMs / 1000} s to undo that delete have passed and its bars are removed`, { deletionId });
    }
    this.cancelTimer(deletionId);
    const bars = this.store
      .listSeries()
      .filter((s) => s.instrument.id === pending.instrument.id && pending.timeframes.includes(s.timeframe))
      .reduce((n, s) => n + s.barCount, 0);
    return { ...this.describe(pending.instrument, pending), bars };
  }

  /**
   * At the app's open: brings back the deletes it left undoable (it was killed within their
   * window, so the person never had all of it to change their mind) and finishes the final
   * ones (the app closed while removing their bars). Returns how many of each.
   */
  recover(): { restored: number; purging: number } {
    let restored = 0;
    let purging = 0;
    for (const deletion of this.store.listDeletions()) {
      if (deletion.finalAt === null) {
        if (this.store.restoreDeletion(deletion.id)) restored++;
      } else {
        purging++;
        this.purgeLater(deletion.id);
      }
    }
    return { restored, purging };
  }

  /** Removes a final delete's bars now, a slice per write. */
  purge(deletionId: string): Promise<void> {
    const running = this.purging.get(deletionId);
    if (running) return running;
    const work = (async () => {
      // One short write per slice; between slices other writes (and the UI's calls) go first.
      while (!this.closed && this.store.purgeDeletion(deletionId, this.sliceChunks) > 0) await this.options.scheduler.yield();
    })().finally(() => this.purging.delete(deletionId));
    this.purging.set(deletionId, work);
    return work;
  }

  /**
   * Closing the app ends the undo windows still open: those deletes are made final (the
   * person closed the toast with the app) and their bars removed at the next open. Waits
   * for a purge under way to stop after its current slice.
   */
  async close(): Promise<void> {
    this.closed = true;
    const at = this.options.now();
    for (const id of [...this.timers.keys()]) {
      this.cancelTimer(id);
      this.store.finalizeDeletion(id, at);
    }
    await Promise.all(this.purging.values());
  }

  private describe(instrument: Instrument, deletion: Pick<BarDeletion, 'id' | 'timeframes' | 'wholeInstrument' | 'deletedAt'>): Omit<SeriesDeletion, 'bars'> {
    return {
      deletionId: deletion.id,
      symbol: instrument.symbol,
      timeframes: deletion.timeframes,
      wholeInstrument: deletion.wholeInstrument,
      deletedAt: deletion.deletedAt,
      undoUntil: deletion.deletedAt + this.undoMs,
    };
  }

  /** At the end of the window the delete becomes final and its bars are removed. */
  private scheduleEnd(deletionId: string, at: number): void {
    const cancel = this.options.scheduler.after(Math.max(0, at - this.options.now()), () => {
      this.timers.delete(deletionId);
      if (this.closed) return;
      try {
        this.store.finalizeDeletion(deletionId, this.options.now());
      } catch {
        // The file busy past its timeout: the delete stays undoable a little longer.
        this.scheduleEnd(deletionId, this.options.now() + RETRY_MS);
        return;
      }
      this.purgeLater(deletionId);
    });
    this.timers.set(deletionId, cancel);
  }

  /** Purges in the background; a write that failed (the file busy past its timeout) is tried again shortly, the bars hidden meanwhile. */
  private purgeLater(deletionId: string): void {
    this.purge(deletionId).catch(() => {
      if (!this.closed) this.options.scheduler.after(RETRY_MS, () => this.purgeLater(deletionId));
    });
  }

  private cancelTimer(deletionId: string): void {
    this.timers.get(deletionId)?.();
    this.timers.delete(deletionId);
  }
}
