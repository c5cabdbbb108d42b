// Calls through the dispatcher for handler tests, as either transport makes them.
import type { Dispatcher } from '../contract/dispatcher.js';
import type { HandlerName, HandlerResult } from '../contract/handlers.js';

/** The handler's result; throws naming the handler and its error when it failed (the test expected it to succeed). */
export async function callHandler<N extends HandlerName>(dispatcher: Dispatcher, name: N, args?: unknown): Promise<HandlerResult<N>> {
  const answer = await dispatcher.invoke(name, args);
  if (!answer.ok) throw new Error(`${name} failed: ${JSON.stringify(answer.error)}`);
  return answer.value as HandlerResult<N>;
}

/** The handler's error; throws when it succeeded (the test expected a refusal). */
export async function refusedBy(dispatcher: Dispatcher, name: HandlerName, args?: unknown) {
  const answer = await dispatcher.invoke(name, args);
  if (answer.ok) throw new Error(`${name} succeeded unexpectedly`);
  return answer.error;
}
