// The baseline process of bench/cli-speed.ts: what a one-off script does to backtest a
// year of minute bars from CSV, with nothing of the workstation. It reads the CSV into
// typed arrays, runs an SMA fast/slow cross long-only (signal at the close, fill at the
// next open, all-in, no costs), marks equity at every close, and prints one JSON line.
//   node dist/bench/bare-csv-loop.js FILE [FAST] [SLOW]
import { readFileSync } from 'node:fs';

const [file, fastArg, slowArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: bare-csv-loop FILE [FAST] [SLOW]\n');
  process.exit(2);
}
const fast = Number(fastArg ?? 10);
const slow = Number(slowArg ?? 30);

// Parse: header, then timestamp,open,high,low,close,volume per line.
const lines = readFileSync(file, 'utf8').split('\n');
const n = lines.length - 1 - (lines[lines.length - 1] === '' ? 1 : 0);
const ts = new Float64Array(n);
const open = new Float64Array(n);
const high = new Float64Array(n);
const low = new Float64Array(n);
const close = new Float64Array(n);
const volume = new Float64Array(n);
for (let i = 0; i < n; i++) {
  const f = lines[i + 1]!.split(',');
  const t = f[0]!;
  ts[i] = /^\d+$/.test(t) ? Number(t) : Date.parse(t);
  open[i] = Number(f[1]);
  high[i] = Number(f[2]);
  low[i] = Number(f[3]);
  close[i] = Number(f[4]);
  volume[i] = Number(f[5]);
}

// The loop: running sums for both averages, a position of `qty` units or none.
const equity = new Float64Array(n);
let cash = 10_000;
let qty = 0;
let entry = 0;
let trades = 0;
let wins = 0;
let fastSum = 0;
let slowSum = 0;
let prevDiff = Number.NaN;
let pending: 'buy' | 'sell' | null = null;
for (let i = 0; i < n; i++) {
  if (pending === 'buy' && qty === 0) {
    qty = cash / open[i]!;
    entry = open[i]!;
    cash = 0;
  } else if (pending === 'sell' && qty > 0) {
    cash = qty * open[i]!;
    trades++;
    if (open[i]! > entry) wins++;
    qty = 0;
  }
  pending = null;
  fastSum += close[i]!;
  slowSum += close[i]!;
  if (i >= fast) fastSum -= close[i - fast]!;
  if (i >= slow) slowSum -= close[i - slow]!;
  if (i >= slow - 1) {
    const diff = fastSum / fast - slowSum / slow;
    if (prevDiff <= 0 && diff > 0) pending = 'buy';
    else if (prevDiff >= 0 && diff < 0) pending = 'sell';
    prevDiff = diff;
  }
  equity[i] = cash + qty * close[i]!;
}
process.stdout.write(`${JSON.stringify({ bars: n, firstTs: ts[0], lastTs: ts[n - 1], trades, wins, finalEquity: equity[n - 1] })}\n`);
