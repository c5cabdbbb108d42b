import { strategyId, type StrategyId } from '../../domain/market/ids.js';
import { VARIABLES } from '../../domain/strategy/catalog.js';
import { MAX_STRATEGY_NAME_LENGTH, SPEC_LIMITS } from '../../domain/strategy/limits.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
import { buildTemplate, listTemplates } from '../../domain/strategy/templates.js';
import type { StrategyDetail, StrategyHandlers, StrategySummary } from './contract.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { StoredStrategy, StoredStrategySummary } from './strategy-store.js';
import { checkSpec, createSpecFromTemplate, requireSavableSpec } from './strategy-service.js';
import type { HandlerDeps } from '../handler-deps.js';

const DEFAULT_PAGE = 100;
/** Deleted strategies listed for a restore when the caller sets no limit. */
const DELETED_PAGE = 200;

function summary(stored: StoredStrategySummary): StrategySummary {
  return {
    id: stored.id,
    name: stored.name,
    tags: stored.tags,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
    hasDraft: stored.hasDraft,
  };
}

/** The stored name is the strategy's name (renames do not rewrite the spec), so the spec shows it. */
function detail(stored: StoredStrategy): StrategyDetail {
  return { ...summary(stored), spec: { ...stored.spec, name: stored.name } };
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`No strategy ${id}`, { id });
}

/** A deleted strategy is not found, but says so: the UI offers to restore it. */
function deletedStrategy(stored: StoredStrategy): NotFoundError {
  return new NotFoundError(`The strategy “${stored.name}” was deleted`, { id: stored.id, deleted: true, name: stored.name, deletedAt: stored.deletedAt });
}

export function strategyHandlers(deps: HandlerDeps): StrategyHandlers {
  const { strategyStore: store, clock, events } = deps;
  const changed = (id: StrategyId) => events.emit('data/changed', { kind: 'strategies', ids: [id] });
  const insert = (name: string, tags: readonly string[], spec: StrategySpec) => {
    const stored = store.insert({ id: strategyId(deps.newId()), name, tags, spec: { ...spec, name }, createdAt: clock() });
    changed(stored.id);
    return detail(stored);
  };
  const live = (id: string) => {
    const stored = store.get(strategyId(id), { includeDeleted: true });
    if (!stored) throw notFound(id);
    if (stored.deletedAt !== null) throw deletedStrategy(stored);
    return stored;
  };

  return {
    'strategies/list': async (args) => {
      const offset = args?.offset ?? 0;
      const limit = args?.limit ?? DEFAULT_PAGE;
      const page = store.list({
        ...(args?.search === undefined ? {} : { search: args.search }),
        ...(args?.tags === undefined ? {} : { tags: args.tags }),
        sort: args?.sort ?? 'updated',
        order: args?.order ?? (args?.sort === 'name' ? 'asc' : 'desc'),
        offset,
        limit,
      });
      return { items: page.items.map(summary), total: page.total, offset, limit };
    },

    'strategies/get': async (args) => detail(live(args.id)),

    'strategies/create': async (args) => {
      if (args.templateId !== undefined && args.spec !== undefined) {
        throw new ValidationError('Give either templateId or spec, not both', { problems: [{ path: 'templateId', message: 'not with spec' }] });
      }
      const spec =
        args.spec !== undefined
          ? requireSavableSpec(args.spec)
          : createSpecFromTemplate(args.templateId ?? listTemplates()[0]!.id, {}, args.name === undefined ? undefined : { name: args.name });
      return insert(args.name ?? spec.name, args.tags ?? [], spec);
    },

    'strategies/update': async (args) => {
      const spec = requireSavableSpec(args.spec);
      const id = strategyId(args.id);
      const current = live(args.id);
      const name = spec.name.trim() === '' ? current.name : spec.name.trim();
      if (name !== current.name && !store.rename(id, name, clock())) throw notFound(args.id);
      const updated = store.updateSpec(id, spec, args.tags, clock());
      if (!updated) throw notFound(args.id);
      changed(id);
      return detail(updated);
    },

    'strategies/duplicate': async (args) => {
      const source = live(args.id);
      return insert(args.name ?? `${source.name} (copy)`, source.tags, source.spec);
    },

    'strategies/rename': async (args) => {
      const renamed = store.rename(strategyId(args.id), args.name, clock());
      if (!renamed) throw notFound(args.id);
      changed(renamed.id);
      return summary(renamed);
    },

    'strategies/delete': async (args) => {
      const deleted = store.softDelete(strategyId(args.id), clock());
      if (!deleted) throw notFound(args.id);
      changed(deleted.id);
      return { id: deleted.id, deletedAt: deleted.deletedAt ?? clock() };
    },

    'strategies/restore': async (args) => {
      const restored = store.restore(strategyId(args.id));
      if (!restored) throw new NotFoundError(`No deleted strategy ${args.id}`, { id: args.id });
      changed(restored.id);
      return summary(restored);
    },

    'strategies/listDeleted': async (args) => {
      const page = store.listDeleted(args?.limit ?? DELETED_PAGE);
      return { items: page.items.map((s) => ({ ...summary(s), deletedAt: s.deletedAt ?? 0 })), total: page.total };
    },

    'strategies/catalog': async () => ({
      variables: VARIABLES,
      limits: SPEC_LIMITS,
      maxNameLength: MAX_STRATEGY_NAME_LENGTH,
      templates: listTemplates().map((t) => ({ id: t.id, name: t.name, description: t.description, params: t.params, spec: buildTemplate(t.id) })),
    }),

    'strategies/validate': async (args) => {
      const { errors, warnings, accepted, notices, runnable } = checkSpec(args.spec, args.timeframe);
      return { errors, warnings, accepted, notices, runnable };
    },

    'strategies/saveDraft': async (args) => {
      const savedAt = clock();
      if (!store.saveDraft(strategyId(args.id), args.draft, savedAt)) {
        live(args.id); // says "was deleted" when it was
        throw notFound(args.id);
      }
      return { savedAt };
    },

    'strategies/getDraft': async (args) => {
      live(args.id);
      return store.getDraft(strategyId(args.id));
    },
  };
}
