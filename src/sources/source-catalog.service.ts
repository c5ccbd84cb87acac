import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { sourcesConfig, SourcesConfig } from '../config/app.config';
import {
  applySourcePatch,
  checkSourcePatch,
  checkSourceSpec,
  FieldProblem,
  resolveSourceSpec,
  SourceDefinition,
  SourceKind,
  SourceOrigin,
  SourceSpec,
} from '../config/source-definition';
import type { SourceDefinitionEntity } from './source-definition.entity';
import { SourceDefinitionsRepository, StoredDefinition } from './source-definitions.repository';
import type { SourceEntity } from './source.entity';
import { SourcesRepository } from './sources.repository';
import { TokenCipher, tokenHint, TokenUnreadableError } from './token-cipher';

/** A named source as the API shows it: everything but its token. */
export interface SourceSummary {
  name: string;
  kind: SourceKind;
  origin: SourceOrigin;
  url: string | null;
  /** The account named in the definition (Connect); the streams record the one read. */
  account: string | null;
  tokenLast4: string | null;
  pollIntervalMs: number;
  maxRequestsPerMinute: number | null;
  startTime: Date | null;
  streams: SourceEntity[];
}

const READ_ONLY: Record<Exclude<SourceOrigin, 'api'>, string> = {
  env: 'it is defined by the OP_EVENTS_API_* / OP_CONNECT_* environment variables',
  file: 'it is defined in SOURCES_FILE; edit the file and restart',
};

/**
 * The named sources: those of the environment and the sources file (read-only), and those
 * created over the API, whose tokens are kept encrypted. Ingest asks it what to poll; the
 * API changes it, and whoever listens in this process hears of each change at once.
 */
@Injectable()
export class SourceCatalogService {
  private readonly logger = new Logger(SourceCatalogService.name);
  private readonly listeners = new Set<() => void>();
  private readonly shadowed = new Set<string>();
  private readonly cipher: TokenCipher | null;

  constructor(
    @Inject(sourcesConfig.KEY) private readonly config: SourcesConfig,
    private readonly stored: SourceDefinitionsRepository,
    private readonly streams: SourcesRepository,
  ) {
    this.cipher = config.encryptionKey ? new TokenCipher(config.encryptionKey) : null;
  }

  /** Calls `listener` after each change made through this process; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Every source to poll, tokens readable: for ingest alone. A stored token that cannot be
   * decrypted (the key missing or changed) leaves its source out, named in `unreadable`.
   */
  async definitionsToPoll(): Promise<{ definitions: SourceDefinition[]; unreadable: string[] }> {
    const definitions = [...this.config.definitions];
    const unreadable: string[] = [];
    const configured = this.configuredNames();
    for (const row of await this.stored.list()) {
      if (configured.has(row.name)) {
        this.warnShadowed(row.name);
        continue;
      }
      try {
        if (!this.cipher) throw new TokenUnreadableError(row.name);
        const token = this.cipher.decrypt(row.name, row.tokenCiphertext);
        definitions.push(resolveSourceSpec({ ...specOf(row), token }, 'api', this.config.defaults));
      } catch (error) {
        if (!(error instanceof TokenUnreadableError)) throw error;
        unreadable.push(row.name);
      }
    }
    return { definitions, unreadable };
  }

  /** Every named source with its streams, sorted by name. */
  async describe(): Promise<SourceSummary[]> {
    const summaries = this.config.definitions.map((definition) => summaryOf(definition));
    const configured = this.configuredNames();
    for (const row of await this.stored.list()) {
      if (!configured.has(row.name)) summaries.push(storedSummaryOf(row, this.config.defaults));
    }
    const streams = await this.streams.listBySourceName([
      ...new Set(summaries.map((summary) => summary.name)),
    ]);
    for (const summary of summaries) {
      summary.streams = (streams.get(summary.name) ?? []).filter(
        (stream) => stream.kind === summary.kind,
      );
    }
    return summaries.sort((a, b) => a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
  }

  async create(body: unknown): Promise<SourceSummary> {
    const check = checkSourceSpec(body);
    if (!check.ok) throw invalid(check.problems);
    const spec = check.value;
    const sealed = this.seal(spec.name, spec.token);
    const origin = this.configuredOrigin(spec.name);
    if (origin) {
      throw new ConflictException(`name: the source ${spec.name} exists and ${READ_ONLY[origin]}`);
    }
    const inserted = await this.stored.insert(storedOf(spec, sealed));
    if (!inserted) throw new ConflictException(`name: a source named ${spec.name} exists`);
    this.logger.log(`Source ${spec.name} (${spec.kind}) created`);
    return this.changed(spec.name);
  }

  async update(name: string, body: unknown): Promise<SourceSummary> {
    const row = await this.storedOrThrow(name);
    const current = specOf(row);
    const check = checkSourcePatch(current, body);
    if (!check.ok) throw invalid(check.problems);
    const { token } = check.value;
    // A token not sent stays as stored, never decrypted here.
    const sealed =
      token === undefined
        ? { tokenCiphertext: row.tokenCiphertext, tokenLast4: row.tokenLast4 }
        : this.seal(name, token);
    const next = applySourcePatch({ ...current, token: '' }, check.value);
    await this.stored.update(storedOf(next, sealed));
    this.logger.log(`Source ${name} changed`);
    return this.changed(name);
  }

  /** Deletes a source: its polling stops; its streams and events stay. */
  async remove(name: string): Promise<void> {
    await this.storedOrThrow(name);
    await this.stored.remove(name);
    this.logger.log(`Source ${name} deleted`);
    this.notify();
  }

  private async changed(name: string): Promise<SourceSummary> {
    this.notify();
    const summary = (await this.describe()).find(
      (candidate) => candidate.name === name && candidate.origin === 'api',
    );
    if (!summary) throw new NotFoundException(`source ${name} does not exist`);
    return summary;
  }

  /** A source created over the API, then defined in the file too: the file's wins. */
  private warnShadowed(name: string): void {
    if (this.shadowed.has(name)) return;
    this.shadowed.add(name);
    this.logger.warn(
      `Source ${name} is defined both in SOURCES_FILE and over the API: the file's definition is polled`,
    );
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  private async storedOrThrow(name: string): Promise<SourceDefinitionEntity> {
    const origin = this.configuredOrigin(name);
    if (origin) {
      throw new ConflictException(
        `source ${name} cannot be changed over the API: ${READ_ONLY[origin]}`,
      );
    }
    const row = await this.stored.find(name);
    if (!row) throw new NotFoundException(`source ${name} does not exist`);
    return row;
  }

  /** Encrypts a token for storage; refused, never stored in clear, without a key. */
  private seal(name: string, token: string): Sealed {
    if (this.cipher) {
      return { tokenCiphertext: this.cipher.encrypt(name, token), tokenLast4: tokenHint(token) };
    }
    throw new ConflictException(
      'token: cannot be stored: SOURCES_ENCRYPTION_KEY is not set (32 bytes, base64 or hex); ' +
        'set it and restart, or define the source in SOURCES_FILE',
    );
  }

  private configuredNames(): Set<string> {
    return new Set(this.config.definitions.map((definition) => definition.name));
  }

  private configuredOrigin(name: string): Exclude<SourceOrigin, 'api'> | null {
    const definition = this.config.definitions.find((candidate) => candidate.name === name);
    return definition ? (definition.origin as Exclude<SourceOrigin, 'api'>) : null;
  }
}

function invalid(problems: FieldProblem[]): BadRequestException {
  return new BadRequestException({
    error: 'Bad Request',
    message: problems.map((problem) => `${problem.field}: ${problem.reason}`).join('; '),
    details: problems,
  });
}

function specOf(row: SourceDefinitionEntity): Omit<SourceSpec, 'token'> {
  const spec: Omit<SourceSpec, 'token'> = { name: row.name, kind: row.kind };
  if (row.url !== null) spec.url = row.url;
  if (row.account !== null) spec.account = row.account;
  if (row.pollIntervalSeconds !== null) spec.pollIntervalSeconds = row.pollIntervalSeconds;
  if (row.maxRequestsPerMinute !== null) spec.maxRequestsPerMinute = row.maxRequestsPerMinute;
  if (row.startTime !== null) spec.startTime = row.startTime.toISOString();
  return spec;
}

type Sealed = Pick<StoredDefinition, 'tokenCiphertext' | 'tokenLast4'>;

function storedOf(spec: SourceSpec, sealed: Sealed): StoredDefinition {
  return {
    name: spec.name,
    kind: spec.kind,
    url: spec.url ?? null,
    ...sealed,
    account: spec.account ?? null,
    pollIntervalSeconds: spec.pollIntervalSeconds ?? null,
    maxRequestsPerMinute: spec.maxRequestsPerMinute ?? null,
    startTime: spec.startTime ? new Date(spec.startTime) : null,
  };
}

function summaryOf(definition: SourceDefinition): SourceSummary {
  return {
    name: definition.name,
    kind: definition.kind,
    origin: definition.origin,
    url: definition.url,
    account: definition.account,
    tokenLast4: tokenHint(definition.token),
    pollIntervalMs: definition.pollIntervalMs,
    maxRequestsPerMinute: definition.kind === 'events_api' ? definition.maxRequestsPerMinute : null,
    startTime: definition.kind === 'events_api' ? definition.startTime : null,
    streams: [],
  };
}

function storedSummaryOf(
  row: SourceDefinitionEntity,
  defaults: SourcesConfig['defaults'],
): SourceSummary {
  const definition = resolveSourceSpec({ ...specOf(row), token: '' }, 'api', defaults);
  return { ...summaryOf(definition), tokenLast4: row.tokenLast4 };
}
