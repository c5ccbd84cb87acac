import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Duties, sharedFor } from '../config/duties';
import { EventsModule } from '../events/events.module';
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
    return sharedFor(duties, {
      module: RulesModule,
      imports: [TypeOrmModule.forFeature([RuleEntity, ListEntity]), EventsModule.register(duties)],
      controllers: duties.api ? [RulesController, ListsController, RuleTemplatesController] : [],
      providers: [RulesRepository, RulesService, RuleTestService, TemplateInstallerService],
      exports: [RulesService],
    });
  }
}
