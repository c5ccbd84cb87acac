import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Duties } from '../config/duties';
import { ListEntity } from './list.entity';
import { ListsController } from './lists.controller';
import { RuleTemplatesController } from './rule-templates.controller';
import { RuleTestService } from './rule-test.service';
import { RuleEntity } from './rule.entity';
import { RulesController } from './rules.controller';
import { RulesRepository } from './rules.repository';
import { RulesService } from './rules.service';
import { TemplateInstallerService } from './template-installer.service';

@Module({})
export class RulesModule {
  static register(duties: Duties): DynamicModule {
    return {
      module: RulesModule,
      global: true,
      imports: [TypeOrmModule.forFeature([RuleEntity, ListEntity])],
      controllers: duties.api ? [RulesController, ListsController, RuleTemplatesController] : [],
      providers: [RulesRepository, RulesService, RuleTestService, TemplateInstallerService],
      exports: [RulesService],
    };
  }
}
