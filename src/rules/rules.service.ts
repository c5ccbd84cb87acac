import {
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import type { ListSnapshot } from './engine/evaluation';
import type { Rule, RuleDefinition } from './engine/rule-definition';
import { LIST_LIMITS } from './engine/rule-limits';
import { validateRuleDefinition } from './engine/validate-rule';
import { ListEntity } from './list.entity';
import { describeRuleError } from './rule-error';
import { RuleEntity } from './rule.entity';
import { RulesRepository, toRule } from './rules.repository';
import { TemplateInstallerService } from './template-installer.service';

/**
 * Detection reads rules and lists per batch, and incident listings their rules' names: a few
 * seconds of staleness is harmless to both.
 */
const CACHE_MS = 2000;

interface RulesSnapshot {
  at: number;
  /** Enabled rules, in creation order. */
  rules: Rule[];
  /** Every rule not deleted, by id. */
  byId: Map<string, Rule>;
  lists: ListSnapshot;
}

@Injectable()
export class RulesService {
  private cache: RulesSnapshot | null = null;

  constructor(
    private readonly repository: RulesRepository,
    private readonly installer: TemplateInstallerService,
  ) {}

  async list(): Promise<RuleEntity[]> {
    return this.repository.findAll();
  }

  async get(id: string): Promise<RuleEntity> {
    const rule = await this.repository.find(id);
    if (!rule) throw new NotFoundException(`rule ${id} does not exist`);
    return rule;
  }

  /**
   * Rules by id, as incidents and their notifications refer to them: deleted ones included,
   * since an incident outlives its rule. One query.
   */
  async findByIds(ids: readonly string[]): Promise<Map<string, Rule>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rules = await this.repository.findByIds(unique);
    return new Map(rules.map((entity) => [entity.id, toRule(entity)]));
  }

  /**
   * Rules by id for a listing: from the snapshot of the last CACHE_MS (a change made by another
   * process shows within it), else one query, for a deleted rule or one the snapshot predates.
   */
  async findByIdsForListing(ids: readonly string[]): Promise<Map<string, Rule>> {
    const { byId } = await this.snapshot();
    const unique = [...new Set(ids)];
    if (!unique.every((id) => byId.has(id))) return this.findByIds(unique);
    return new Map(unique.map((id) => [id, byId.get(id)!]));
  }

  async create(input: unknown, by: string): Promise<RuleEntity> {
    const definition = await this.validate(input);
    const created = await this.repository.create(definition, by);
    this.cache = null;
    return created!;
  }

  /** Merges the given properties (and `params` one level deep), validates, bumps the version. */
  async update(id: string, patch: unknown, by: string): Promise<RuleEntity> {
    if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
      const reason = 'expected an object with the properties to change';
      throw new BadRequestException({
        error: 'Bad Request',
        message: `body: ${reason}`,
        details: [{ field: 'body', reason }],
      });
    }
    const current = await this.get(id);
    const changes = patch as Partial<RuleDefinition>;
    const merged = {
      ...current.definition,
      ...changes,
      params:
        changes.params && typeof changes.params === 'object' && !Array.isArray(changes.params)
          ? { ...current.definition.params, ...changes.params }
          : (changes.params ?? current.definition.params),
    };
    const definition = await this.validate(merged);
    const updated = await this.repository.update(id, current.version, definition, by);
    if (!updated) {
      throw new ConflictException(`rule ${id} changed while this edit was made; read it again`);
    }
    this.cache = null;
    return updated;
  }

  async remove(id: string): Promise<void> {
    if (!(await this.repository.softDelete(id))) {
      throw new NotFoundException(`rule ${id} does not exist`);
    }
    this.cache = null;
  }

  /** Checks a definition against the kinds, fields and lists known now; 400 names the field. */
  async validate(input: unknown): Promise<RuleDefinition> {
    const lists = await this.repository.findLists();
    const result = validateRuleDefinition(input, new Set(lists.map((list) => `@${list.name}`)));
    if (result.ok) return result.rule;
    throw new BadRequestException({
      error: 'Bad Request',
      message: result.errors.map((problem) => `${problem.field}: ${problem.reason}`).join('; '),
      details: result.errors,
    });
  }

  /** Enabled rules and the lists, as detection evaluates them. */
  async detectionState(): Promise<{ rules: Rule[]; lists: ListSnapshot }> {
    const { rules, lists } = await this.snapshot();
    return { rules, lists };
  }

  private async snapshot(): Promise<RulesSnapshot> {
    await this.installer.whenInstalled();
    const now = Date.now();
    if (this.cache && now - this.cache.at < CACHE_MS) return this.cache;
    const [entities, lists] = await Promise.all([
      this.repository.findAll(),
      this.repository.findLists(),
    ]);
    const rules = entities.map(toRule);
    this.cache = {
      at: now,
      rules: rules.filter((rule) => rule.enabled),
      byId: new Map(rules.map((rule) => [rule.id, rule])),
      lists: listSnapshot(lists),
    };
    return this.cache;
  }

  /** Shows on each rule that it failed to judge a batch (the other rules judged it). */
  async recordFailures(failures: ReadonlyArray<{ ruleId: string; error: unknown; at: Date }>) {
    await this.repository.recordFailures(
      failures.map(({ ruleId, error, at }) => ({ ruleId, error: describeRuleError(error), at })),
    );
  }

  listAll(): Promise<ListEntity[]> {
    return this.repository.findLists();
  }

  async getList(name: string): Promise<ListEntity> {
    const list = await this.repository.findList(name);
    if (!list) throw new NotFoundException(`list ${name} does not exist`);
    return list;
  }

  async putList(name: string, items: string[], description: string, by: string) {
    const wildcards = items.filter((item) => item.includes('*')).length;
    if (wildcards > LIST_LIMITS.maxWildcardItems) {
      const reason = `at most ${LIST_LIMITS.maxWildcardItems} items may hold a * wildcard (found ${wildcards})`;
      throw new BadRequestException({
        error: 'Bad Request',
        message: `items: ${reason}`,
        details: [{ field: 'items', reason }],
      });
    }
    const list = await this.repository.putList(name, items, description, by);
    this.cache = null;
    return list;
  }

  async listSnapshot(): Promise<ListSnapshot> {
    return listSnapshot(await this.repository.findLists());
  }
}

export const listSnapshot = (lists: ListEntity[]): ListSnapshot =>
  new Map(lists.map((list) => [`@${list.name}`, list.items]));
