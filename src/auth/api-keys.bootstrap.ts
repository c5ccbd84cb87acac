import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { appConfig, AppConfig } from '../config/app.config';
import { apiKeyDisplayPrefix, generateApiKeySecret, hashApiKeySecret } from './api-key-secret';
import { ApiKeysRepository } from './api-keys.repository';

export const BOOTSTRAP_KEY_NAME = 'bootstrap-admin';

/**
 * Makes sure an administrator can get in on first start. With ADMIN_API_KEY set, a key with
 * its hash is ensured; without it, when no active admin key exists, one is generated and its
 * secret printed once to stdout. Runs under the api-keys advisory lock, so that several
 * processes starting together create one key and print it once.
 */
@Injectable()
export class ApiKeysBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(ApiKeysBootstrap.name);

  constructor(
    private readonly keys: ApiKeysRepository,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const supplied = this.config.adminApiKey;
    if (supplied) {
      await this.ensureSuppliedKey(supplied);
      return;
    }
    const generated = await this.generateIfNoAdmin();
    if (generated) printGeneratedKey(generated);
  }

  private async ensureSuppliedKey(secret: string): Promise<void> {
    const keyHash = hashApiKeySecret(secret);
    await this.keys.inLockedTransaction(async (manager) => {
      const existing = await this.keys.findByHash(keyHash, manager);
      if (existing?.revokedAt) {
        this.logger.warn(`ADMIN_API_KEY matches revoked key ${existing.id}; it stays revoked`);
        return;
      }
      if (existing) return;
      const key = await this.keys.insert(
        { name: BOOTSTRAP_KEY_NAME, role: 'admin', prefix: apiKeyDisplayPrefix(secret), keyHash },
        manager,
      );
      this.logger.log(`Admin API key ${key.id} created from ADMIN_API_KEY`);
    });
  }

  /** Returns the new secret, or null when an active admin key already exists. */
  private async generateIfNoAdmin(): Promise<string | null> {
    return this.keys.inLockedTransaction(async (manager) => {
      if ((await this.keys.countActiveAdmins(manager)) > 0) return null;
      const secret = generateApiKeySecret();
      const key = await this.keys.insert(
        {
          name: BOOTSTRAP_KEY_NAME,
          role: 'admin',
          prefix: apiKeyDisplayPrefix(secret),
          keyHash: hashApiKeySecret(secret),
        },
        manager,
      );
      this.logger.warn(
        `No admin API key existed: generated ${key.id} (${key.prefix}); its secret is on stdout, once`,
      );
      return secret;
    });
  }
}

/** The one place a secret is ever printed: straight to stdout, never through the logger. */
function printGeneratedKey(secret: string): void {
  const rule = '='.repeat(78);
  process.stdout.write(
    [
      rule,
      'vaultwatch: no admin API key existed, so one was generated. It is shown only this once:',
      '',
      `    VAULTWATCH ADMIN API KEY: ${secret}`,
      '',
      'Store it now (it cannot be recovered) and send it as "Authorization: Bearer <key>".',
      'Create named keys with POST /api/v1/api-keys, then revoke this one if you like.',
      rule,
      '',
    ].join('\n'),
  );
}
