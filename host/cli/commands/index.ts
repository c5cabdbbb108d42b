import type { Command } from '../command.js';
import { backtestCommand } from './backtest.js';
import { dbCheckCommand, dbSetAsideCommand } from './db.js';
import { dataDownloadCommand, dataUpdateCommand } from './data-download.js';
import { dataExportCommand } from './data-export.js';
import { dataImportCommand } from './data-import.js';
import { dataListCommand } from './data-list.js';
import { demoCommand } from './demo.js';
import { runsCompareCommand, runsDeleteCommand, runsListCommand, runsShowCommand } from './runs.js';
import { serveCommand } from './serve.js';
import { optimizeCommand } from './optimize.js';
import { walkforwardCommand } from './walkforward.js';
import { montecarloCommand } from './montecarlo.js';

/** Every `bws` command; the CLI matches the longest word sequence. */
export const COMMANDS: readonly Command[] = [
  dataImportCommand,
  dataListCommand,
  dataExportCommand,
  dataDownloadCommand,
  dataUpdateCommand,
  demoCommand,
  backtestCommand,
  runsListCommand,
  runsShowCommand,
  runsCompareCommand,
  runsDeleteCommand,
  serveCommand,
  dbCheckCommand,
  dbSetAsideCommand,
  optimizeCommand,
  walkforwardCommand,
  montecarloCommand,
];
