import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { ApiPrincipal } from '../auth/api-principal';
import { Principal } from '../auth/principal.decorator';
import { RequireRole } from '../auth/require-role.decorator';
import { apiValidationPipe } from '../common/validation.pipe';
import { RuleTestService, RuleTestResult } from './rule-test.service';
import { RULE_KINDS } from './kinds/registry';
import {
  RuleDto,
  RuleKindDto,
  RuleTestDto,
  RuleTestRangeDto,
  RuleTestResultDto,
  toRuleDto,
  toRuleKindDto,
} from './rules.dto';
import { toRule } from './rules.repository';
import { RulesService } from './rules.service';

const RULE_BODY = {
  description: 'A rule definition (see GET /api/v1/rule-templates for complete examples)',
  schema: { type: 'object', additionalProperties: true },
};

@ApiTags('rules')
@ApiBearerAuth()
@Controller('api/v1/rules')
export class RulesController {
  constructor(
    private readonly rules: RulesService,
    private readonly tester: RuleTestService,
  ) {}

  @Get()
  @RequireRole('viewer')
  @ApiOkResponse({ type: [RuleDto] })
  async list(): Promise<RuleDto[]> {
    return (await this.rules.list()).map(toRuleDto);
  }

  /** The rule kinds this version knows, and the params each takes. */
  @Get('kinds')
  @RequireRole('viewer')
  @ApiOkResponse({ type: [RuleKindDto] })
  kinds(): RuleKindDto[] {
    return RULE_KINDS.map(toRuleKindDto);
  }

  @Get(':id')
  @RequireRole('viewer')
  @ApiOkResponse({ type: RuleDto })
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<RuleDto> {
    return toRuleDto(await this.rules.get(id));
  }

  @Post()
  @RequireRole('admin')
  @ApiBody(RULE_BODY)
  @ApiOkResponse({ type: RuleDto })
  async create(@Body() body: unknown, @Principal() who: ApiPrincipal): Promise<RuleDto> {
    return toRuleDto(await this.rules.create(body, who.name));
  }

  @Patch(':id')
  @RequireRole('admin')
  @ApiBody(RULE_BODY)
  @ApiOkResponse({ type: RuleDto })
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @Principal() who: ApiPrincipal,
  ): Promise<RuleDto> {
    return toRuleDto(await this.rules.update(id, body, who.name));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireRole('admin')
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.rules.remove(id);
  }

  /** Runs an unsaved rule over stored events: what it would have fired. Records nothing. */
  @Post('test')
  @HttpCode(200)
  @RequireRole('admin')
  @ApiBody({ type: RuleTestDto })
  @ApiOkResponse({ type: RuleTestResultDto })
  async testUnsaved(@Body() body: unknown): Promise<RuleTestResult> {
    // The rule validator reads the rule first: it refuses one nested too deep before anything
    // recurses into it (the generic validation pipe would, and overflow the stack).
    const { rule, ...range } =
      typeof body === 'object' && body !== null && !Array.isArray(body)
        ? (body as RuleTestDto)
        : {};
    const definition = await this.rules.validate(rule);
    const { from, to } = (await apiValidationPipe().transform(range, {
      type: 'body',
      metatype: RuleTestRangeDto,
    })) as RuleTestRangeDto;
    return this.tester.run(definition, new Date(from), new Date(to));
  }

  @Post(':id/test')
  @HttpCode(200)
  @RequireRole('admin')
  @ApiOkResponse({ type: RuleTestResultDto })
  async testStored(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: RuleTestRangeDto,
  ): Promise<RuleTestResult> {
    const rule = await this.rules.get(id);
    return this.tester.run(rule.definition, new Date(body.from), new Date(body.to), toRule(rule));
  }
}
