import type { CommandSpec } from '../command.js';
import { SPEC_OPTIONS, SWEEP_OPTIONS, SWEEP_USAGE } from './flags.js';

/**
 * Every `bws` command: its words, usage, flags and summary, and where its code is. Only
 * the command that runs is loaded (with the core it needs), so `bws --help` and usage
 * errors answer without loading the store, the engine or the workers. The CLI matches
 * the longest word sequence.
 */
export const COMMANDS: readonly CommandSpec[] = [
  {
    words: ['data', 'import'],
    usage:
      'bws data import FILE|FOLDER ... --symbol SYM [--timeframe auto|1m|5m|15m|30m|1h|4h|1d] [--force-timeframe] [--qty-step N] [--tick auto|N] [--venue V] [--currency CCY] [--skip-bad-rows] [--duplicates reject|last-wins] [--json]',
    summary:
      "Imports a CSV of bars, or zip archives of CSVs (an exchange's kline archives: several files, or a folder of them, are read as one series in " +
      'the order of their first bars, without unzipping), in a worker, written in short slices and made visible at once: all rows or, by default on any bad row, nothing. The timeframe is taken from the ' +
      "bars' spacing (auto, the default); a --timeframe the spacing contradicts is refused unless --force-timeframe. " +
      "The price tick (auto, the default) of a new instrument is the finest decimal of the file's prices; a stored instrument keeps its tick unless --tick is given.",
    options: {
      symbol: { type: 'string' },
      timeframe: { type: 'string' },
      'force-timeframe': { type: 'boolean' },
      'qty-step': { type: 'string' },
      tick: { type: 'string' },
      venue: { type: 'string' },
      currency: { type: 'string' },
      'skip-bad-rows': { type: 'boolean' },
      duplicates: { type: 'string' },
    },
    load: () => import('./data-import.js').then((m) => m.dataImportCommand),
  },
  {
    words: ['data', 'list'],
    usage: 'bws data list [--json]',
    summary: 'Lists instruments with their timeframes, coverage (first/last bar, count) and gap count.',
    options: {},
    load: () => import('./data-list.js').then((m) => m.dataListCommand),
  },
  {
    words: ['data', 'export'],
    usage: 'bws data export --symbol SYM [--from ISO] [--to ISO] [--timeframe TF] [--overwrite] FILE [--json]',
    summary:
      'Writes the bars of a range [from, to) to a CSV file (ISO 8601 UTC timestamps); an existing FILE is kept unless --overwrite. ' +
      'Without --timeframe, the symbol\'s only stored timeframe.',
    options: { symbol: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, timeframe: { type: 'string' }, overwrite: { type: 'boolean' } },
    load: () => import('./data-export.js').then((m) => m.dataExportCommand),
  },
  {
    words: ['data', 'delete'],
    usage: 'bws data delete --symbol SYM [--timeframe TF] [--json]',
    summary:
      "Deletes an instrument's stored bars: one timeframe, or without --timeframe every one and the instrument. Final at once (the app's Data screen offers an undo window); runs made on the bars keep their results.",
    options: { symbol: { type: 'string' }, timeframe: { type: 'string' } },
    load: () => import('./data-delete.js').then((m) => m.dataDeleteCommand),
  },
  {
    words: ['data', 'tag'],
    usage: 'bws data tag --symbol SYM (--tags TAG,TAG | --add TAG,TAG | --remove TAG,TAG) [--json]',
    summary:
      "Sets an instrument's tags: --tags replaces them (--tags '' clears them), --add and --remove edit them. " +
      'Every instrument with a tag is a universe for a portfolio run (bws backtest --universe TAG; the Run form offers each tag).',
    options: { symbol: { type: 'string' }, tags: { type: 'string' }, add: { type: 'string' }, remove: { type: 'string' } },
    load: () => import('./data-tag.js').then((m) => m.dataTagCommand),
  },
  {
    words: ['data', 'download'],
    usage: 'bws data download --exchange ID --symbol BASE/QUOTE --timeframe 1m|5m|15m|30m|1h|4h|1d --from ISO [--to ISO] [--as NAME] [--whole-range] [--json]',
    summary:
      'Downloads candles from an exchange (binance, upbit, any exchange the ccxt library serves OHLCV for) into an instrument (default: named BASE/QUOTE), ' +
      "in a worker, paced by the library's rate limiter. Only closed candles are stored, and only what lies before the first or after the last stored bar " +
      'is fetched: run it again to continue a stopped download (--whole-range fetches the whole range, e.g. to fill a gap). Ctrl-C or a failure keeps the ' +
      'slices already committed and says up to where. BWS_EXCHANGE_API points the requests at a mirror (docs/MARKET-DATA.md).',
    options: {
      exchange: { type: 'string' },
      symbol: { type: 'string' },
      timeframe: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      as: { type: 'string' },
      'whole-range': { type: 'boolean' },
    },
    load: () => import('./data-download.js').then((m) => m.dataDownloadCommand),
  },
  {
    words: ['data', 'update'],
    usage: 'bws data update --symbol SYM [--timeframe TF] [--json]',
    summary:
      'Downloads what is new since the last stored bar of a downloaded instrument, from the exchange and market it came from; ' +
      'every stored timeframe of it unless --timeframe names one.',
    options: { symbol: { type: 'string' }, timeframe: { type: 'string' } },
    load: () => import('./data-download.js').then((m) => m.dataUpdateCommand),
  },
  {
    words: ['demo'],
    usage: 'bws demo [--json]',
    summary: 'Writes the synthetic demo data set (seeded): DEMO-BTC/ETH/SOL, a year of 1-minute bars each, and the demo basket, ten correlated instruments of hourly bars tagged demo-basket (a universe for portfolio runs).',
    options: {},
    load: () => import('./demo.js').then((m) => m.demoCommand),
  },
  {
    words: ['backtest'],
    usage:
      'bws backtest (--spec FILE | --template NAME [--param NAME=VALUE ...]) (--symbol SYM | --symbols A,B,C | --universe TAG) [--max-positions N] [--rank VARIABLE[(NAME=VALUE,...)]:desc|asc] [--timeframe TF] [--from ISO] [--to ISO] [--direction long|short|both] [--cash N] [--commission PCT] [--slippage BPS] [--qty-step N] [--no-magnifier] [--json] [--out DIR]',
    summary:
      'Runs a backtest (in this process: one run needs no worker pool), stores the run (with its hash, trades and markers) and prints its metrics. ' +
      'With --symbols or --universe (every instrument with a tag), or a spec file with portfolio.universe, one account trades the whole universe: ' +
      'at most --max-positions open at once, entries ranked by --rank when more fire than there are free slots; --json adds perSymbol. ' +
      "Without --timeframe: 1m, or the instrument's only stored timeframe when it has no minutes (hourly or daily bars).",
    options: {
      ...SPEC_OPTIONS,
      symbol: { type: 'string' },
      symbols: { type: 'string' },
      universe: { type: 'string' },
      'max-positions': { type: 'string' },
      rank: { type: 'string' },
      timeframe: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'qty-step': { type: 'string' },
      'no-magnifier': { type: 'boolean' },
      out: { type: 'string' },
    },
    load: () => import('./backtest.js').then((m) => m.backtestCommand),
  },
  {
    words: ['runs', 'list'],
    usage: 'bws runs list [--limit N] [--offset N] [--json]',
    summary: 'Lists stored backtest runs, newest first, with their hash and key metrics.',
    options: { limit: { type: 'string' }, offset: { type: 'string' } },
    load: () => import('./runs.js').then((m) => m.runsListCommand),
  },
  {
    words: ['runs', 'show'],
    usage: 'bws runs show RUN_ID [--json] [--out DIR]',
    summary: 'Shows one run: its spec, metrics and trades; --out writes trades.csv, equity.csv, report.json.',
    options: { out: { type: 'string' } },
    load: () => import('./runs.js').then((m) => m.runsShowCommand),
  },
  {
    words: ['runs', 'compare'],
    usage: 'bws runs compare RUN_ID RUN_ID [RUN_ID RUN_ID] [--json]',
    summary: 'Puts 2-4 runs side by side: every metric by name.',
    options: {},
    load: () => import('./runs.js').then((m) => m.runsCompareCommand),
  },
  {
    words: ['runs', 'delete'],
    usage: 'bws runs delete RUN_ID [--json]',
    summary: 'Deletes a run with its trades and equity curve.',
    options: {},
    load: () => import('./runs.js').then((m) => m.runsDeleteCommand),
  },
  {
    words: ['serve'],
    usage: 'bws serve [--port N] [--host 127.0.0.1] [--allow-remote] [--workers N] [--files DIR ...] [--cluster redis://:PASSWORD@HOST:PORT] [--no-demo]',
    summary:
      'Serves the workstation UI and API in local web mode (loopback only, per-start token). The page reaches only the files it uploads and ' +
      'downloads, and the folders named with --files (import from them, export into them). With --cluster, sweeps may run on that cluster\'s ' +
      'agents (the Optimize screen offers it) and cluster sweeps a stopped app left running are resumed.',
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'allow-remote': { type: 'boolean' },
      workers: { type: 'string' },
      files: { type: 'string', multiple: true },
      cluster: { type: 'string' },
      'no-demo': { type: 'boolean' },
    },
    load: () => import('./serve.js').then((m) => m.serveCommand),
  },
  {
    words: ['db', 'check'],
    usage: 'bws db check [--json]',
    summary: 'Checks the database file without changing it (header, integrity, schema version); exit 1 when the app cannot use it.',
    options: {},
    load: () => import('./db.js').then((m) => m.dbCheckCommand),
  },
  {
    words: ['db', 'set-aside'],
    usage: 'bws db set-aside [--force] [--json]',
    summary: 'Renames a bad database file to workstation.sqlite.broken-<time> (kept, never deleted) so the next start creates a fresh store.',
    options: { force: { type: 'boolean' } },
    load: () => import('./db.js').then((m) => m.dbSetAsideCommand),
  },
  {
    words: ['optimize'],
    usage: `bws optimize ${SWEEP_USAGE}`,
    summary:
      'Sweeps strategy parameters over the worker pool (or, with --cluster, on the agents of a cluster: docs/CLUSTER.md), stores the sweep with every variant, and prints the best variants and the sweep id. ' +
      'Over --symbols or --universe (or a spec file with portfolio.universe) every variant runs the whole universe with one account; portfolio.maxPositions and portfolio.ranking.by.params.NAME are parameters like any spec path. ' +
      "Without --timeframe, as bws backtest: 1m, or the instrument's only stored timeframe when it has no minutes.",
    options: SWEEP_OPTIONS,
    load: () => import('./optimize.js').then((m) => m.optimizeCommand),
  },
  {
    words: ['walkforward'],
    usage: `bws walkforward ${SWEEP_USAGE} --in-sample DAYS --out-of-sample DAYS [--step DAYS] [--anchored]`,
    summary: 'Walk-forward analysis: optimizes each in-sample window, runs the best parameters on the next out-of-sample window, and reports stitched out-of-sample metrics and the efficiency ratio.',
    options: { ...SWEEP_OPTIONS, 'in-sample': { type: 'string' }, 'out-of-sample': { type: 'string' }, step: { type: 'string' }, anchored: { type: 'boolean' } },
    load: () => import('./walkforward.js').then((m) => m.walkforwardCommand),
  },
  {
    words: ['agent'],
    usage: 'bws agent --redis redis://:PASSWORD@HOST:PORT [--workers N] [--data-dir DIR] [--lock-ms N] [--stalled-ms N]',
    summary:
      'Runs a cluster agent until stopped: takes sweep batches from the queue in Redis and runs them on N sweep worker threads (default: every core), ' +
      'fetching each dataset once into DIR/agent-datasets.sqlite. Refuses batches of another engine version. docs/CLUSTER.md.',
    options: { redis: { type: 'string' }, workers: { type: 'string' }, 'lock-ms': { type: 'string' }, 'stalled-ms': { type: 'string' } },
    load: () => import('./agent.js').then((m) => m.agentCommand),
  },
  {
    words: ['cluster', 'status'],
    usage: 'bws cluster status --redis redis://:PASSWORD@HOST:PORT [--json]',
    summary: "Shows a cluster's connected agents (engine version, workers, variants/s, the sweeps they run) and its queue of batches.",
    options: { redis: { type: 'string' } },
    load: () => import('./cluster.js').then((m) => m.clusterStatusCommand),
  },
  {
    words: ['montecarlo'],
    usage: 'bws montecarlo --run RUN_ID [--simulations N] [--seed N] [--method bootstrap|shuffle] [--drawdown PCT,PCT,...] [--json]',
    summary: "Monte Carlo over a stored run's trades (seeded): distribution of final equity and max drawdown with percentiles, probability of loss and of deep drawdowns.",
    options: { run: { type: 'string' }, simulations: { type: 'string' }, seed: { type: 'string' }, method: { type: 'string' }, drawdown: { type: 'string' } },
    load: () => import('./montecarlo.js').then((m) => m.montecarloCommand),
  },
];
