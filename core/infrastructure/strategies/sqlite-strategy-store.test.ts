import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { strategyId } from '../../domain/market/ids.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
import { openStorage, type Storage } from '../sqlite/storage.js';
import { SqliteStrategyStore } from './sqlite-strategy-store.js';

const spec = (name: string): StrategySpec => ({
  version: 2,
  name,
  direction: 'long',
  entry: {},
  exit: {},
  management: {},
  sizing: { kind: 'percentEquity', percent: 100 },
  costs: { commissionPct: 0, commissionFixed: 0, slippageBps: 0 },
  initialCash: 10_000,
});

describe('SqliteStrategyStore', () => {
  let dir: string;
  let storage: Storage;
  let store: SqliteStrategyStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bws-strategies-'));
    storage = openStorage({ file: path.join(dir, 'test.sqlite') });
    store = new SqliteStrategyStore(storage.writer, () => storage.database.reader());
  });
  afterEach(() => {
    storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const add = (id: string, name: string, tags: string[], at: number) =>
    store.insert({ id: strategyId(id), name, tags, spec: spec(name), createdAt: at });

  it('stores, reads back, updates and clears the draft on update', () => {
    add('a', 'Alpha', ['trend', ' Trend ', ''], 1);
    expect(store.get(strategyId('a'))).toMatchObject({ name: 'Alpha', tags: ['trend'], spec: spec('Alpha'), hasDraft: false });
    expect(store.saveDraft(strategyId('a'), { name: 'half edited' }, 5)).toBe(true);
    expect(store.getDraft(strategyId('a'))).toEqual({ draft: { name: 'half edited' }, savedAt: 5 });
    expect(store.clearDraft(strategyId('a'))).toBe(true);
    expect(store.getDraft(strategyId('a'))).toBeNull();
    expect(store.get(strategyId('a'))?.hasDraft).toBe(false);
    expect(store.clearDraft(strategyId('nope'))).toBe(false);
    store.saveDraft(strategyId('a'), { name: 'half edited' }, 5);
    const updated = store.updateSpec(strategyId('a'), spec('Alpha 2'), ['mean-reversion'], 9);
    expect(updated).toMatchObject({ updatedAt: 9, tags: ['mean-reversion'], hasDraft: false, spec: spec('Alpha 2') });
    expect(store.getDraft(strategyId('a'))).toBeNull();
    expect(store.list({ tags: ['trend'], sort: 'name', order: 'asc', offset: 0, limit: 10 }).total).toBe(0);
    expect(store.list({ tags: ['MEAN-reversion'], sort: 'name', order: 'asc', offset: 0, limit: 10 }).total).toBe(1);
  });

  it('soft-deletes and restores, with the unsaved draft the strategy had', () => {
    add('a', 'Alpha', [], 1);
    add('b', 'Beta', [], 2);
    store.saveDraft(strategyId('a'), { name: 'half edited' }, 8);
    expect(store.softDelete(strategyId('a'), 10)?.deletedAt).toBe(10);
    expect(store.softDelete(strategyId('a'), 11)).toBeNull();
    expect(store.get(strategyId('a'))).toBeNull();
    expect(store.get(strategyId('a'), { includeDeleted: true })?.deletedAt).toBe(10);
    expect(store.list({ sort: 'name', order: 'asc', offset: 0, limit: 10 }).items.map((s) => s.id)).toEqual(['b']);
    expect(store.saveDraft(strategyId('a'), {}, 12)).toBe(false);
    expect(store.getDraft(strategyId('a'))).toBeNull();
    expect(store.restore(strategyId('a'))).toMatchObject({ deletedAt: null, hasDraft: true });
    expect(store.getDraft(strategyId('a'))).toEqual({ draft: { name: 'half edited' }, savedAt: 8 });
    expect(store.restore(strategyId('a'))).toBeNull();
    expect(store.list({ sort: 'name', order: 'asc', offset: 0, limit: 10 }).total).toBe(2);
    store.softDelete(strategyId('b'), 20);
    store.softDelete(strategyId('a'), 30);
    expect(store.listDeleted(10)).toEqual({ items: [expect.objectContaining({ id: 'a', deletedAt: 30 }), expect.objectContaining({ id: 'b', deletedAt: 20 })], total: 2 });
    expect(store.listDeleted(1)).toMatchObject({ items: [{ id: 'a' }], total: 2 });
    store.restore(strategyId('a'));
    expect(store.purgeDeleted(21)).toBe(1);
    expect(store.listDeleted(10)).toEqual({ items: [], total: 0 });
    expect(store.get(strategyId('b'), { includeDeleted: true })).toBeNull();
  });

  it('searches names and tags literally, sorts and pages', () => {
    add('1', 'SMA cross', ['trend'], 3);
    add('2', 'sma 100%_fast', ['trend', 'fast'], 1);
    add('3', 'RSI revert', ['revert'], 2);
    const names = (q: Partial<Parameters<SqliteStrategyStore['list']>[0]>) =>
      store.list({ sort: 'name', order: 'asc', offset: 0, limit: 10, ...q }).items.map((s) => s.name);
    // NOCASE: 'sma 1...' sorts before 'sma c...'.
    expect(names({ search: 'SMA' })).toEqual(['sma 100%_fast', 'SMA cross']);
    expect(names({ search: '%_' })).toEqual(['sma 100%_fast']);
    // A search matches tags too (any part, any case), literally.
    expect(names({ search: 'REVER' })).toEqual(['RSI revert']);
    expect(names({ search: 'fas' })).toEqual(['sma 100%_fast']);
    expect(names({ search: 'tren' })).toEqual(['sma 100%_fast', 'SMA cross']);
    expect(names({ order: 'desc' })).toEqual(['SMA cross', 'sma 100%_fast', 'RSI revert']);
    expect(names({ sort: 'created' })).toEqual(['sma 100%_fast', 'RSI revert', 'SMA cross']);
    expect(names({ tags: ['trend', 'fast'] })).toEqual(['sma 100%_fast']);
    const page = store.list({ sort: 'created', order: 'asc', offset: 1, limit: 1 });
    expect(page).toMatchObject({ total: 3, items: [{ name: 'RSI revert' }] });
  });

  // Speed is the benchmark's business (timed tests flake on a busy machine); this checks the plan.
  it('lists a page of 10,000 strategies through an index', () => {
    const insert = storage.writer.transaction(() => {
      for (let i = 0; i < 10_000; i++) add(`id-${i}`, `Strategy ${String(i).padStart(5, '0')}`, i % 10 === 0 ? ['tenth'] : [], i);
    });
    insert();
    const plan = storage.writer
      .prepare('EXPLAIN QUERY PLAN SELECT id FROM strategies WHERE deleted_at IS NULL ORDER BY updated_at DESC, id DESC LIMIT 50')
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX strategies_live_updated/);
    const page = store.list({ sort: 'updated', order: 'desc', offset: 9_000, limit: 100 });
    const tagged = store.list({ tags: ['tenth'], search: 'Strategy', sort: 'name', order: 'asc', offset: 0, limit: 100 });
    expect(page.total).toBe(10_000);
    expect(page.items[0]!.updatedAt).toBe(999);
    expect(tagged.total).toBe(1_000);
  });
});
