/**
 * A message a worker posts on a job's progress port for the pool to hand on at once,
 * unlike progress, which the pool throttles and may drop for a newer one: an interim
 * outcome the caller is waiting to show (a backtest's results while they are saved).
 */
export interface InterimMessage<T> {
  readonly interim: T;
}

export function isInterimMessage(value: unknown): value is InterimMessage<unknown> {
  return typeof value === 'object' && value !== null && 'interim' in value;
}
