import { Controller, Get } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { RequireRole } from '../auth/require-role.decorator';
import { BUILT_IN_TEMPLATES, type FixtureCase } from './templates';

class FixtureExpectationDto {
  @ApiProperty({ description: 'Alerts the rule raises on these events (0 for a negative case)' })
  alerts!: number;
  @ApiPropertyOptional({ enum: ['info', 'low', 'medium', 'high', 'critical'] })
  severity?: string;
  @ApiPropertyOptional({ type: [String], description: 'Fingerprints of the alerts raised' })
  fingerprints?: string[];
  @ApiPropertyOptional({ type: [String], description: 'Words the explanation contains' })
  explains?: string[];
}

class TemplateFixtureDto {
  @ApiProperty({ description: 'What the case shows' }) name!: string;
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    description: 'Events stored before: the history the baselines learn from',
  })
  before?: unknown[];
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    description: 'Baselines given as data (first event, seen values, hourly counts)',
  })
  baselines?: unknown[];
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description: 'The events judged: normalized fields and their time (`at`)',
  })
  events!: unknown[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'array' } })
  lists?: Record<string, string[]>;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object' } })
  sources?: unknown[];
  @ApiPropertyOptional({ description: 'When the case is judged (ISO time)' })
  now?: string;
  @ApiProperty({ type: FixtureExpectationDto }) expect!: FixtureExpectationDto;
}

class TemplateFixturesDto {
  @ApiProperty({ type: [TemplateFixtureDto], description: 'What the template catches' })
  positive!: TemplateFixtureDto[];
  @ApiProperty({ type: [TemplateFixtureDto], description: 'What it deliberately ignores' })
  negative!: TemplateFixtureDto[];
}

class RuleTemplateDto {
  @ApiProperty() templateId!: string;
  @ApiProperty({ type: [String], description: 'Lists to fill before enabling it' })
  requiresLists!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true }) definition!: unknown;
  @ApiProperty({
    type: TemplateFixturesDto,
    description: 'Worked examples, run by the test suite through the real evaluators',
  })
  fixtures!: TemplateFixturesDto;
}

const toFixtureDto = (fixture: FixtureCase): TemplateFixtureDto => ({ ...fixture });

@ApiTags('rules')
@ApiBearerAuth()
@Controller('api/v1/rule-templates')
export class RuleTemplatesController {
  @Get()
  @RequireRole('viewer')
  @ApiOkResponse({ type: [RuleTemplateDto] })
  list(): RuleTemplateDto[] {
    return BUILT_IN_TEMPLATES.map((template) => ({
      templateId: template.templateId,
      requiresLists: template.requiresLists ?? [],
      definition: template.definition,
      fixtures: {
        positive: template.fixtures.positive.map(toFixtureDto),
        negative: template.fixtures.negative.map(toFixtureDto),
      },
    }));
  }
}
