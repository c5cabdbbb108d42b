import type Database from 'better-sqlite3';
import type { StrategyId } from '../../domain/market/ids.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
import type {
  NewStrategy,
  StoredDraft,
  StoredStrategy,
  StoredStrategySummary,
  StrategyPage,
  StrategyQuery,
  StrategyStore,
} from '../../application/strategies/strategy-store.js';
import type { Connection } from '../sqlite/database.js';

interface SummaryRow {
  id: string;
  name: string;
  tags_json: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  has_draft: number;
}

interface FullRow extends SummaryRow {
  spec_json: string;
}

const SUMMARY_COLUMNS = 'id, name, tags_json, created_at, updated_at, deleted_at, draft_json IS NOT NULL AS has_draft';
const LIST_COLUMNS = 's.id, s.name, s.tags_json, s.created_at, s.updated_at, s.deleted_at, s.draft_json IS NOT NULL AS has_draft';
const ORDER_BY: Readonly<Record<StrategyQuery['sort'], string>> = {
  name: 'name COLLATE NOCASE',
  updated: 'updated_at',
  created: 'created_at',
};

/**
 * Strategies in SQLite. Writes go through the writer connection; lists and reads use a
 * reader when one is given. Listing reads only summary columns (never spec or draft JSON)
 * through an index per sort key, so a page of a 10,000-strategy list costs well under a
 * millisecond; a search scans names and tags.
 */
export class SqliteStrategyStore implements StrategyStore {
  private readonly statements: {
    insert: Database.Statement;
    insertTag: Database.Statement;
    deleteTags: Database.Statement;
    get: Database.Statement;
    getLive: Database.Statement;
    updateSpec: Database.Statement;
    rename: Database.Statement;
    softDelete: Database.Statement;
    restore: Database.Statement;
    saveDraft: Database.Statement;
    getDraft: Database.Statement;
    purge: Database.Statement;
    listDeleted: Database.Statement;
    countDeleted: Database.Statement;
  };

  constructor(
    private readonly writer: Connection,
    private readonly reader: () => Connection = () => writer,
  ) {
    this.statements = {
      insert: writer.prepare(
        'INSERT INTO strategies (id, name, tags_json, spec_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      insertTag: writer.prepare('INSERT OR IGNORE INTO strategy_tags (tag, strategy_id) VALUES (?, ?)'),
      deleteTags: writer.prepare('DELETE FROM strategy_tags WHERE strategy_id = ?'),
      get: writer.prepare(`SELECT ${SUMMARY_COLUMNS}, spec_json FROM strategies WHERE id = ?`),
      getLive: writer.prepare(`SELECT ${SUMMARY_COLUMNS}, spec_json FROM strategies WHERE id = ? AND deleted_at IS NULL`),
      updateSpec: writer.prepare(
        'UPDATE strategies SET spec_json = ?, tags_json = coalesce(?, tags_json), updated_at = ?, draft_json = NULL, draft_saved_at = NULL WHERE id = ? AND deleted_at IS NULL',
      ),
      rename: writer.prepare('UPDATE strategies SET name = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL'),
      // A deleted strategy keeps its draft: Undo / Restore gives back what the trader had,
      // unsaved edits included (the builder says it restored them); purge takes both.
      softDelete: writer.prepare('UPDATE strategies SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL'),
      restore: writer.prepare('UPDATE strategies SET deleted_at = NULL WHERE id = ? AND deleted_at IS NOT NULL'),
      saveDraft: writer.prepare('UPDATE strategies SET draft_json = ?, draft_saved_at = ? WHERE id = ? AND deleted_at IS NULL'),
      getDraft: writer.prepare('SELECT draft_json, draft_saved_at FROM strategies WHERE id = ? AND deleted_at IS NULL'),
      purge: writer.prepare('DELETE FROM strategies WHERE deleted_at IS NOT NULL AND deleted_at < ?'),
      // A scan, not an index: asked when the trader opens the deleted list, over thousands of rows at most.
      listDeleted: writer.prepare(`SELECT ${SUMMARY_COLUMNS} FROM strategies WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC, id LIMIT ?`),
      countDeleted: writer.prepare('SELECT count(*) FROM strategies WHERE deleted_at IS NOT NULL').pluck(),
    };
  }

  insert(strategy: NewStrategy): StoredStrategy {
    const tags = normaliseTags(strategy.tags);
    this.writer.transaction(() => {
      this.statements.insert.run(
        strategy.id,
        strategy.name,
        JSON.stringify(tags),
        JSON.stringify(strategy.spec),
        strategy.createdAt,
        strategy.createdAt,
      );
      for (const tag of tags) this.statements.insertTag.run(tag, strategy.id);
    })();
    return this.get(strategy.id)!;
  }

  get(id: StrategyId, options: { includeDeleted?: boolean } = {}): StoredStrategy | null {
    const row = (options.includeDeleted ? this.statements.get : this.statements.getLive).get(id) as FullRow | undefined;
    return row ? toStrategy(row) : null;
  }

  list(query: StrategyQuery): StrategyPage {
    const where = ['s.deleted_at IS NULL'];
    const params: unknown[] = [];
    if (query.search && query.search.trim() !== '') {
      // In the name or in a tag: a trader types "trend" and expects the strategies tagged so.
      where.push(
        "(s.name LIKE ? ESCAPE '\\' COLLATE NOCASE OR EXISTS (SELECT 1 FROM strategy_tags t WHERE t.strategy_id = s.id AND t.tag LIKE ? ESCAPE '\\' COLLATE NOCASE))",
      );
      const pattern = `%${escapeLike(query.search.trim())}%`;
      params.push(pattern, pattern);
    }
    for (const tag of normaliseTags(query.tags ?? [])) {
      where.push('EXISTS (SELECT 1 FROM strategy_tags t WHERE t.tag = ? AND t.strategy_id = s.id)');
      params.push(tag);
    }
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    const db = this.reader();
    const filter = where.join(' AND ');
    // Both queries run in one read transaction so the total matches the page.
    return db.transaction(() => {
      const { total } = db.prepare(`SELECT count(*) AS total FROM strategies s WHERE ${filter}`).get(...params) as { total: number };
      const rows = db
        .prepare(
          `SELECT ${LIST_COLUMNS} FROM strategies s WHERE ${filter}
           ORDER BY s.${ORDER_BY[query.sort]} ${direction}, s.id ${direction} LIMIT ? OFFSET ?`,
        )
        .all(...params, query.limit, query.offset) as SummaryRow[];
      return { items: rows.map(toSummary), total };
    })();
  }

  updateSpec(id: StrategyId, spec: StrategySpec, tags: readonly string[] | undefined, updatedAt: number): StoredStrategy | null {
    const normalised = tags === undefined ? undefined : normaliseTags(tags);
    const changed = this.writer.transaction(() => {
      const result = this.statements.updateSpec.run(
        JSON.stringify(spec),
        normalised === undefined ? null : JSON.stringify(normalised),
        updatedAt,
        id,
      );
      if (result.changes === 0) return false;
      if (normalised !== undefined) {
        this.statements.deleteTags.run(id);
        for (const tag of normalised) this.statements.insertTag.run(tag, id);
      }
      return true;
    })();
    return changed ? this.get(id) : null;
  }

  rename(id: StrategyId, name: string, updatedAt: number): StoredStrategy | null {
    return this.statements.rename.run(name, updatedAt, id).changes === 0 ? null : this.get(id);
  }

  softDelete(id: StrategyId, deletedAt: number): StoredStrategy | null {
    return this.statements.softDelete.run(deletedAt, id).changes === 0 ? null : this.get(id, { includeDeleted: true });
  }

  listDeleted(limit: number): StrategyPage {
    const rows = this.statements.listDeleted.all(limit) as SummaryRow[];
    return { items: rows.map(toSummary), total: this.statements.countDeleted.get() as number };
  }

  restore(id: StrategyId): StoredStrategy | null {
    return this.statements.restore.run(id).changes === 0 ? null : this.get(id);
  }

  saveDraft(id: StrategyId, draft: object, savedAt: number): boolean {
    return this.statements.saveDraft.run(JSON.stringify(draft), savedAt, id).changes > 0;
  }

  getDraft(id: StrategyId): StoredDraft | null {
    const row = this.statements.getDraft.get(id) as { draft_json: string | null; draft_saved_at: number | null } | undefined;
    if (!row || row.draft_json === null) return null;
    return { draft: JSON.parse(row.draft_json) as StrategySpec, savedAt: row.draft_saved_at ?? 0 };
  }

  purgeDeleted(before: number): number {
    return this.statements.purge.run(before).changes;
  }
}

/** Trims, drops empties and case-insensitive duplicates, keeps first spelling and order. */
function normaliseTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw.trim();
    const key = tag.toLowerCase();
    if (tag === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
  }
  return out;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function toSummary(row: SummaryRow): StoredStrategySummary {
  return {
    id: row.id as StrategyId,
    name: row.name,
    tags: JSON.parse(row.tags_json) as string[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
    hasDraft: row.has_draft === 1,
  };
}

function toStrategy(row: FullRow): StoredStrategy {
  return { ...toSummary(row), spec: JSON.parse(row.spec_json) as StrategySpec };
}
