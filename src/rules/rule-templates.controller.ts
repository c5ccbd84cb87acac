import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../auth/require-role.decorator';
import { BUILT_IN_TEMPLATES } from './templates';

class RuleTemplateDto {
  @ApiProperty() templateId!: string;
  @ApiProperty({ type: [String], description: 'Lists to fill before enabling it' })
  requiresLists!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true }) definition!: unknown;
}

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
    }));
  }
}
