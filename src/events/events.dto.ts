import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { STREAMS, Stream } from './normalize/normalized-event';

export class PushQueryDto {
  @ApiPropertyOptional({
    enum: STREAMS,
    description: 'Skip shape detection: every object is of this stream',
  })
  @IsOptional()
  @IsIn(STREAMS, { message: `stream must be one of ${STREAMS.join(', ')}` })
  stream?: Stream;
}

export class PushRejectionDto {
  @ApiProperty({ description: 'Position of the object in the body (0-based)' }) index!: number;
  @ApiProperty() reason!: string;
}

export class PushResultDto {
  @ApiProperty({ description: 'Events stored now' }) accepted!: number;
  @ApiProperty({ description: 'Events already stored before, counted once' }) duplicates!: number;
  @ApiProperty({ type: [PushRejectionDto] }) rejected!: PushRejectionDto[];
}
