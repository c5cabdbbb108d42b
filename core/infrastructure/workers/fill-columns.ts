import type { ExitReason, Marker, MarkerKind, Trade } from '../../domain/engine/types.js';

/**
 * Trades and markers on the wire between a backtest worker and the pool: columnar typed
 * arrays (transferred, not cloned) instead of arrays of objects. A year of 1-minute bars
 * gives ~9,000 trades and ~18,000 markers; structured-cloning them cost tens of ms on
 * each side of the message, packing and rebuilding costs a few. Values are copied bit
 * for bit (Float64 columns keep -0 and NaN), and rebuilt objects have the engine's key
 * order, so a decoded result serialises exactly as the engine's own.
 */
export interface FillColumns {
  readonly tradeCount: number;
  /** TRADE_FIELDS.length numbers per trade, trade-major. */
  readonly tradeNumbers: Float64Array;
  /** Per trade: side code, exit-reason code. */
  readonly tradeCodes: Uint8Array;
  readonly markerCount: number;
  /** MARKER_FIELDS.length numbers per marker, marker-major. */
  readonly markerNumbers: Float64Array;
  /** Per marker: kind code, fill code. */
  readonly markerCodes: Uint8Array;
}

const SIDES = ['long', 'short'] as const;
const EXIT_REASONS: readonly ExitReason[] = ['signal', 'stopLoss', 'takeProfit', 'trailingStop', 'timeExit', 'partialExit', 'reversal'];
const MARKER_KINDS: readonly MarkerKind[] = ['entryLong', 'entryShort', 'addLong', 'addShort', 'partialExitLong', 'partialExitShort', 'exitLong', 'exitShort'];
const FILLS = ['open', 'intrabar'] as const;
const TRADE_WIDTH = 11;
const MARKER_WIDTH = 5;

function code<T>(table: readonly T[], value: T): number {
  const c = table.indexOf(value);
  if (c < 0) throw new Error(`Cannot encode ${String(value)}`);
  return c;
}

export function packFills(trades: readonly Trade[], markers: readonly Marker[]): FillColumns {
  const tradeNumbers = new Float64Array(trades.length * TRADE_WIDTH);
  const tradeCodes = new Uint8Array(trades.length * 2);
  for (let i = 0; i < trades.length; i++) {
    const t = trades[i]!;
    const o = i * TRADE_WIDTH;
    tradeNumbers[o] = t.entryTs;
    tradeNumbers[o + 1] = t.exitTs;
    tradeNumbers[o + 2] = t.entryBar;
    tradeNumbers[o + 3] = t.exitBar;
    tradeNumbers[o + 4] = t.entryPrice;
    tradeNumbers[o + 5] = t.exitPrice;
    tradeNumbers[o + 6] = t.quantity;
    tradeNumbers[o + 7] = t.pnl;
    tradeNumbers[o + 8] = t.returnPct;
    tradeNumbers[o + 9] = t.fees;
    tradeNumbers[o + 10] = t.barsHeld;
    tradeCodes[i * 2] = code(SIDES, t.side);
    tradeCodes[i * 2 + 1] = code(EXIT_REASONS, t.exitReason);
  }
  const markerNumbers = new Float64Array(markers.length * MARKER_WIDTH);
  const markerCodes = new Uint8Array(markers.length * 2);
  for (let i = 0; i < markers.length; i++) {
    const m = markers[i]!;
    const o = i * MARKER_WIDTH;
    markerNumbers[o] = m.bar;
    markerNumbers[o + 1] = m.ts;
    markerNumbers[o + 2] = m.price;
    markerNumbers[o + 3] = m.quantity;
    markerNumbers[o + 4] = m.fee;
    markerCodes[i * 2] = code(MARKER_KINDS, m.kind);
    markerCodes[i * 2 + 1] = code(FILLS, m.fill);
  }
  return { tradeCount: trades.length, tradeNumbers, tradeCodes, markerCount: markers.length, markerNumbers, markerCodes };
}

/** The buffers to transfer with a FillColumns. */
export function fillBuffers(c: FillColumns): ArrayBuffer[] {
  return [c.tradeNumbers.buffer, c.tradeCodes.buffer, c.markerNumbers.buffer, c.markerCodes.buffer] as ArrayBuffer[];
}

export function unpackFills(c: FillColumns): { trades: Trade[]; markers: Marker[] } {
  const trades: Trade[] = [];
  const tn = c.tradeNumbers;
  for (let i = 0; i < c.tradeCount; i++) {
    const o = i * TRADE_WIDTH;
    // Keys in the order the engine writes them.
    trades.push({
      side: SIDES[c.tradeCodes[i * 2]!]!,
      entryTs: tn[o]!,
      exitTs: tn[o + 1]!,
      entryBar: tn[o + 2]!,
      exitBar: tn[o + 3]!,
      entryPrice: tn[o + 4]!,
      exitPrice: tn[o + 5]!,
      quantity: tn[o + 6]!,
      pnl: tn[o + 7]!,
      returnPct: tn[o + 8]!,
      fees: tn[o + 9]!,
      barsHeld: tn[o + 10]!,
      exitReason: EXIT_REASONS[c.tradeCodes[i * 2 + 1]!]!,
    });
  }
  const markers: Marker[] = [];
  const mn = c.markerNumbers;
  for (let i = 0; i < c.markerCount; i++) {
    const o = i * MARKER_WIDTH;
    markers.push({
      bar: mn[o]!,
      ts: mn[o + 1]!,
      kind: MARKER_KINDS[c.markerCodes[i * 2]!]!,
      price: mn[o + 2]!,
      quantity: mn[o + 3]!,
      fee: mn[o + 4]!,
      fill: FILLS[c.markerCodes[i * 2 + 1]!]!,
    });
  }
  return { trades, markers };
}
