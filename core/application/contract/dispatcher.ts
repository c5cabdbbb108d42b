import type { z } from 'zod';
import { AppError, NotFoundError, toErrorData, ValidationError } from '../errors.js';
import { isPersonWorded } from './common.js';
import { type AllHandlers, HANDLER_SCHEMAS, type HandlerName, type InvokeResult, isHandlerName } from './handlers.js';
import { LatencyRecorder } from '../system/latency.js';

/** Raised for a call name no handler is registered under. */
export class UnknownHandlerError extends NotFoundError {
  constructor(readonly handlerName: string) {
    super(`Unknown call "${handlerName.slice(0, 100)}"`, { name: handlerName.slice(0, 100) });
  }
}

export interface Logger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
}

/** A set of handler implementations: any subset of the contract. */
export type HandlerTable = { [N in HandlerName]?: AllHandlers[N] };

export interface Dispatcher {
  /** Validates `args` against the schema of `name`, calls the handler and answers errors as data. Never throws. */
  invoke(name: unknown, args: unknown): Promise<InvokeResult<unknown>>;
  /** Adds handlers; throws if any name is registered already or is not in the contract. */
  register(table: HandlerTable): void;
  has(name: string): boolean;
  names(): HandlerName[];
  readonly latency: LatencyRecorder;
}

export interface DispatcherOptions {
  readonly logger: Logger;
  /** Monotonic milliseconds for latency measurement (performance.now in hosts). */
  readonly now: () => number;
  readonly latency?: LatencyRecorder;
  /**
   * Names failures of the host's parts that are not the caller's bug (a full disk, a busy
   * or read-only store) as typed errors with a message; null for anything else, which
   * stays an InternalError with a log entry.
   */
  readonly translateError?: (error: unknown) => AppError | null;
}

/** Deepest nesting of arrays and objects a payload may have (a spec's condition tree is far shallower). */
export const MAX_PAYLOAD_DEPTH = 64;

/**
 * True when `value` nests arrays or objects deeper than `limit`. Iterative: a payload
 * thousands of levels deep must not overflow the stack of the check meant to refuse it
 * (nor, once accepted, of a schema, JSON.stringify or the store).
 */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** One problem with a payload, located by its path in the payload. */
export interface PayloadIssue {
  readonly path: string;
  readonly message: string;
}

/** Turns zod issues into `{ path, message }` pairs the UI can place next to fields. */
export function payloadIssues(error: z.ZodError): PayloadIssue[] {
  const pathOf = (issue: z.core.$ZodIssue) => issue.path.map(String).join('.');
  // zod's int() also checks the safe-integer range: beside the schema's own bound on the
  // same field ('<= 1000') that says the same thing twice, with a 16-digit number.
  const safeIntOnly = (issue: z.core.$ZodIssue) =>
    (issue.code === 'too_big' && issue.maximum === Number.MAX_SAFE_INTEGER) || (issue.code === 'too_small' && issue.minimum === Number.MIN_SAFE_INTEGER);
  const issues = error.issues.filter((issue) => !safeIntOnly(issue) || !error.issues.some((other) => other !== issue && !safeIntOnly(other) && pathOf(other) === pathOf(issue)));
  return issues.slice(0, 50).map((issue) => ({ path: pathOf(issue), message: issue.message }));
}

/**
 * Returns what is wrong and where: 'Invalid input for runs/list: limit: Too big: ...'; a
 * message worded for the person ('Tag 3 is empty.') is said as it is.
 */
function invalidInputMessage(name: string, error: z.ZodError, issues: readonly PayloadIssue[]): string {
  const first = issues[0];
  if (!first) return `Invalid input for ${name}`;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  if (error.issues[0] && isPersonWorded(error.issues[0])) return `${first.message}${more}`;
  return `Invalid input for ${name}: ${first.path ? `${first.path}: ` : ''}${first.message}${more}`;
}

/** Returns a dispatcher over `table`: the one entry point both transports call. */
export function createDispatcher(table: HandlerTable, options: DispatcherOptions): Dispatcher {
  const handlers = new Map<HandlerName, (args: unknown) => Promise<unknown>>();
  const latency = options.latency ?? new LatencyRecorder();

  const register = (more: HandlerTable) => {
    for (const [name, handler] of Object.entries(more)) {
      if (!isHandlerName(name)) throw new Error(`"${name}" is not a call of the contract`);
      if (handlers.has(name)) throw new Error(`A handler for "${name}" is registered already`);
      if (typeof handler !== 'function') throw new Error(`The handler for "${name}" is not a function`);
      handlers.set(name, handler as (args: unknown) => Promise<unknown>);
    }
  };
  register(table);

  return {
    latency,
    register,
    has: (name) => isHandlerName(name) && handlers.has(name),
    names: () => [...handlers.keys()],
    async invoke(name, args) {
      const handler = isHandlerName(name) ? handlers.get(name) : undefined;
      if (!isHandlerName(name) || !handler) {
        return { ok: false, error: toErrorData(new UnknownHandlerError(typeof name === 'string' ? name : typeof name)) };
      }
      const started = options.now();
      let failed = true;
      try {
        if (nestedDeeperThan(args, MAX_PAYLOAD_DEPTH)) {
          throw new ValidationError(`Invalid input for ${name}: it nests objects or arrays more than ${MAX_PAYLOAD_DEPTH} levels deep`, { maxDepth: MAX_PAYLOAD_DEPTH });
        }
        const parsed = (HANDLER_SCHEMAS[name] as z.ZodType).safeParse(args);
        if (!parsed.success) {
          const issues = payloadIssues(parsed.error);
          throw new ValidationError(invalidInputMessage(name, parsed.error, issues), { issues });
        }
        const value = await handler(parsed.data);
        failed = false;
        return { ok: true, value };
      } catch (thrown) {
        const error = thrown instanceof AppError ? thrown : (options.translateError?.(thrown) ?? thrown);
        if (!(error instanceof AppError)) {
          // The stack goes to the log only; the UI gets a stable, stack-free message.
          options.logger.error(`Unexpected error in ${name}`, {
            name,
            error: error instanceof Error ? { message: error.message, stack: error.stack } : String(error),
          });
        }
        return { ok: false, error: toErrorData(error) };
      } finally {
        latency.record(name, options.now() - started, failed);
      }
    },
  };
}
