import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { AsNumber } from '../common/typed-fields';
import { RequireRole } from '../auth/require-role.decorator';
import { DeliveryLogService } from './delivery-log.service';

class NotificationsQueryDto {
  @ApiPropertyOptional({ description: 'Incident id' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'incident must be an incident id' })
  incident?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @AsNumber()
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

class DeliveryDto {
  @ApiProperty() id!: string;
  @ApiProperty() incidentId!: string;
  @ApiProperty() changeId!: string;
  @ApiProperty() change!: string;
  @ApiProperty() channelId!: string;
  @ApiProperty() channelName!: string;
  @ApiProperty() channelType!: string;
  @ApiProperty({ enum: ['queued', 'sent', 'failed'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ nullable: true, type: String }) providerRef!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) sentAt!: string | null;
}

/** The delivery log: what was sent where, what is pending, what failed and why. */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/v1/notifications')
export class NotificationsController {
  constructor(private readonly log: DeliveryLogService) {}

  @Get()
  @RequireRole('viewer')
  @ApiOkResponse({ type: [DeliveryDto] })
  async list(@Query() query: NotificationsQueryDto): Promise<DeliveryDto[]> {
    const rows = await this.log.list(query.incident, query.limit ?? 100);
    return rows.map((row) => ({
      id: String(row.id),
      incidentId: String(row.incident_id),
      changeId: String(row.change_id),
      change: String(row.change_kind),
      channelId: String(row.channel_id),
      channelName: String(row.channel_name),
      channelType: String(row.channel_type),
      status: String(row.status),
      attempts: Number(row.attempts),
      lastError: (row.last_error as string | null) ?? null,
      providerRef: (row.provider_ref as string | null) ?? null,
      createdAt: (row.created_at as Date).toISOString(),
      sentAt: row.sent_at ? (row.sent_at as Date).toISOString() : null,
    }));
  }
}
