import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NotFoundError, StorageError } from '../errors.js';
import { createDispatcher, MAX_PAYLOAD_DEPTH, type HandlerTable } from './dispatcher.js';
import { HANDLER_SCHEMAS, type HandlerName } from './handlers.js';

const NAMES = Object.keys(HANDLER_SCHEMAS) as HandlerName[];

function recordingTable(calls: string[]): HandlerTable {
  const table: Record<string, (args: unknown) => Promise<unknown>> = {};
  for (const name of NAMES) {
    table[name] = async (args) => {
      calls.push(name);
      return { echoed: args };
    };
  }
  return table as HandlerTable;
}

function setup(table?: HandlerTable) {
  const calls: string[] = [];
  const logged: { message: string; fields?: Record<string, unknown> }[] = [];
  let t = 0;
  const dispatcher = createDispatcher(table ?? recordingTable(calls), {
    logger: { error: (message, fields) => logged.push({ message, ...(fields ? { fields } : {}) }) },
    now: () => (t += 2),
  });
  return { dispatcher, calls, logged };
}

/** The top-level keys a schema's object form accepts. */
function keysOf(schema: z.ZodType): string[] {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodType[]).flatMap(keysOf);
  return [];
}

describe('dispatcher', () => {
  it('calls a handler with the parsed input and answers { ok, value }', async () => {
    const { dispatcher, calls } = setup();
    const answer = await dispatcher.invoke('strategies/rename', { id: 's1', name: '  Trend  ' });
    expect(answer).toEqual({ ok: true, value: { echoed: { id: 's1', name: 'Trend' } } });
    expect(calls).toEqual(['strategies/rename']);
  });

  it('rejects unknown names as data without calling anything', async () => {
    const { dispatcher, calls } = setup();
    for (const name of ['nope/never', '__proto__', 'constructor', 42, undefined]) {
      const answer = await dispatcher.invoke(name, {});
      expect(answer).toMatchObject({ ok: false, error: { type: 'NotFoundError' } });
    }
    expect(calls).toEqual([]);
  });

  it('answers invalid input as a ValidationError with issue paths', async () => {
    const { dispatcher, calls } = setup();
    const answer = await dispatcher.invoke('data/bars', { symbol: 'BTC', timeframe: '7m', maxPoints: 1 });
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.error.type).toBe('ValidationError');
    const issues = (answer.error.details as { issues: { path: string }[] }).issues.map((i) => i.path);
    expect(issues).toEqual(expect.arrayContaining(['timeframe', 'maxPoints']));
    expect(calls).toEqual([]);
  });

  it('passes typed errors through and turns unexpected ones into a logged InternalError without a stack', async () => {
    const { dispatcher, logged } = setup({
      'runs/get': async () => {
        throw new NotFoundError('No run r9', { id: 'r9' });
      },
      'runs/delete': async () => {
        throw new TypeError('cannot read properties of undefined');
      },
    });
    expect(await dispatcher.invoke('runs/get', { id: 'r9' })).toEqual({
      ok: false,
      error: { type: 'NotFoundError', message: 'No run r9', details: { id: 'r9' } },
    });
    const internal = await dispatcher.invoke('runs/delete', { id: 'r9' });
    expect(internal).toEqual({ ok: false, error: { type: 'InternalError', message: 'Internal error; see the log for details' } });
    expect(JSON.stringify(internal)).not.toMatch(/cannot read|at /);
    expect(logged).toHaveLength(1);
    expect(JSON.stringify(logged[0])).toMatch(/cannot read properties/);
  });

  it('refuses a payload nested deeper than the limit as a ValidationError, however deep, without calling the handler', async () => {
    const { dispatcher, calls, logged } = setup();
    const nested = (depth: number) => {
      const root: Record<string, unknown> = {};
      let node = root;
      for (let i = 0; i < depth; i++) node = (node.child = {}) as Record<string, unknown>;
      return root;
    };
    for (const depth of [MAX_PAYLOAD_DEPTH + 1, 9_000, 200_000]) {
      const answer = await dispatcher.invoke('strategies/saveDraft', { id: 's1', draft: nested(depth) });
      expect(answer).toMatchObject({
        ok: false,
        error: { type: 'ValidationError', message: `Invalid input for strategies/saveDraft: it nests objects or arrays more than ${MAX_PAYLOAD_DEPTH} levels deep` },
      });
    }
    // At the limit it goes through.
    expect(await dispatcher.invoke('strategies/saveDraft', { id: 's1', draft: nested(MAX_PAYLOAD_DEPTH - 2) })).toMatchObject({ ok: true });
    expect(calls).toEqual(['strategies/saveDraft']);
    expect(logged).toEqual([]);
  });

  it('names a host failure through translateError instead of an InternalError', async () => {
    const logged: string[] = [];
    const dispatcher = createDispatcher(
      {
        'jobs/list': async () => {
          throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
        },
      },
      {
        logger: { error: (message) => logged.push(message) },
        now: () => 0,
        translateError: (error) => ((error as { code?: string }).code === 'SQLITE_FULL' ? new StorageError('The disk is full') : null),
      },
    );
    expect(await dispatcher.invoke('jobs/list', undefined)).toEqual({ ok: false, error: { type: 'StorageError', message: 'The disk is full' } });
    expect(logged).toEqual([]);
  });

  it('refuses duplicate and unknown registrations', () => {
    const { dispatcher } = setup({ 'jobs/list': async () => [] });
    expect(() => dispatcher.register({ 'jobs/list': async () => [] })).toThrow(/registered already/);
    expect(() => dispatcher.register({ ['made/up' as HandlerName]: async () => 1 } as HandlerTable)).toThrow(/not a call/);
    expect(dispatcher.has('jobs/list')).toBe(true);
    expect(dispatcher.has('dialog/openFile')).toBe(false);
  });

  it('a contract call with no registered handler is an unknown name', async () => {
    const { dispatcher } = setup({ 'jobs/list': async () => [] });
    expect(await dispatcher.invoke('dialog/openFile', undefined)).toMatchObject({ ok: false, error: { type: 'NotFoundError' } });
  });

  it('records latency per handler, failures included', async () => {
    const { dispatcher } = setup();
    await dispatcher.invoke('jobs/list', undefined);
    await dispatcher.invoke('jobs/list', undefined);
    await dispatcher.invoke('jobs/cancel', { id: 42 });
    const report = dispatcher.latency.report();
    expect(report.find((r) => r.name === 'jobs/list')).toMatchObject({ calls: 2, failures: 0, p50: 2, p99: 2 });
    expect(report.find((r) => r.name === 'jobs/cancel')).toMatchObject({ calls: 1, failures: 1 });
  });

  describe('every handler rejects bad payloads before it runs', () => {
    const generic: [string, unknown][] = [
      ['null', null],
      ['a number', 42],
      ['a string', 'x'],
      ['an array', []],
      ['an object with an unknown key', { unexpected: 1 }],
    ];
    for (const name of NAMES) {
      it(name, async () => {
        const { dispatcher, calls } = setup();
        const schema = HANDLER_SCHEMAS[name] as z.ZodType;
        const payloads: [string, unknown][] = [...generic];
        // undefined and {} are valid for calls whose every field is optional.
        if (!schema.safeParse(undefined).success) payloads.push(['undefined', undefined]);
        if (!schema.safeParse({}).success) payloads.push(['{}', {}]);
        for (const key of keysOf(schema)) {
          // true is the wrong type for most fields; a flag alone (dialog/openFile's `multiple`) takes a number instead.
          const wrong = [true, 42].find((value) => !schema.safeParse({ [key]: value }).success) ?? true;
          payloads.push([`${key} of the wrong type`, { [key]: wrong }]);
          payloads.push([`${key} as a 100 kB string`, { [key]: 'x'.repeat(100_000) }]);
        }
        for (const [label, payload] of payloads) {
          const answer = await dispatcher.invoke(name, payload);
          expect(answer.ok, `${name} accepted ${label}`).toBe(false);
          if (!answer.ok) expect(answer.error.type).toBe('ValidationError');
        }
        expect(calls).toEqual([]);
      });
    }
  });
});
