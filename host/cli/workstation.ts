import { errorFromData } from '../../core/application/errors.js';
import type { HandlerName, HandlerResult } from '../../core/application/contract/handlers.js';
import { openWorkstation, stderrLogger, type Workstation } from '../../core/infrastructure/workstation.js';
import type { CommandInput } from './command.js';
import { dataDirOf } from './context.js';

/**
 * Opens the workstation for one command through the one composition root (as the app
 * and the tests do) and closes it afterwards, whatever happens. A CLI process runs its
 * backtest on this thread (a pool would buy only its start-up), seeds nothing, and leaves
 * the jobs of an app running beside it alone.
 */
export async function withWorkstation<T>(input: CommandInput, fn: (workstation: Workstation) => Promise<T> | T): Promise<T> {
  const workstation = await openWorkstation({
    dataDir: dataDirOf(input),
    transport: 'cli',
    seedDemo: false,
    recoverJobs: false,
    backtests: 'in-process',
    logger: stderrLogger,
  });
  try {
    return await fn(workstation);
  } finally {
    await workstation.close();
  }
}

/** Calls a handler through the dispatcher, as the UI does; a failure is thrown as its typed error. */
export async function call<N extends HandlerName>(workstation: Workstation, name: N, args?: unknown): Promise<HandlerResult<N>> {
  const answer = await workstation.dispatcher.invoke(name, args);
  if (!answer.ok) throw errorFromData(answer.error);
  return answer.value as HandlerResult<N>;
}
