import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BUILT_IN_LISTS } from './built-in-lists';
import { BUILT_IN_TEMPLATES } from './templates';
import { RulesRepository } from './rules.repository';

/**
 * Installs the built-in lists and rule templates on first start. Each is installed once:
 * an operator's edits are never overwritten and a deleted template stays deleted.
 */
@Injectable()
export class TemplateInstallerService implements OnApplicationBootstrap {
  private readonly logger = new Logger(TemplateInstallerService.name);
  private markInstalled!: () => void;
  private readonly installed = new Promise<void>((resolve) => {
    this.markInstalled = resolve;
  });

  constructor(private readonly repository: RulesRepository) {}

  /** Detection waits for this: a batch judged before would miss the rules not yet installed. */
  whenInstalled(): Promise<void> {
    return this.installed;
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const list of BUILT_IN_LISTS) {
      await this.repository.ensureList(list.name, list.items, list.description);
    }
    let installed = 0;
    for (const template of BUILT_IN_TEMPLATES) {
      const rule = await this.repository.create(template.definition, null, template.templateId);
      if (rule) installed += 1;
    }
    if (installed) this.logger.log(`Installed ${installed} built-in rule template(s)`);
    this.markInstalled();
  }
}
