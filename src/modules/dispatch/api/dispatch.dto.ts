import { IsTimestamp } from '../../../common/validators';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { KZ_BOUNDS } from '@app/kz';
import { BackdatableDto } from '../../../common/backdatable.dto';

export class CreateUnitRequestDto {
  @ApiProperty({ example: 'AST-YESIL-07' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 ._-]{1,31}$/, {
    message: 'callSign must be 2-32 letters, digits, spaces, . _ -',
  })
  callSign!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  districtId!: string;
}

export class UnitLocationRequestDto {
  @ApiProperty()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(KZ_BOUNDS.minLat)
  @Max(KZ_BOUNDS.maxLat)
  lat!: number;

  @ApiProperty()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(KZ_BOUNDS.minLon)
  @Max(KZ_BOUNDS.maxLon)
  lon!: number;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsTimestamp()
  at?: string;
}

export class UnitStatusRequestDto {
  @ApiProperty({ enum: ['available', 'off_duty'] })
  @IsIn(['available', 'off_duty'])
  status!: 'available' | 'off_duty';
}

export class UnitsQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() districtId?: string;
  @ApiPropertyOptional({ enum: ['available', 'dispatched', 'en_route', 'on_scene', 'off_duty'] })
  @IsOptional()
  @IsIn(['available', 'dispatched', 'en_route', 'on_scene', 'off_duty'])
  status?: string;
}

export class QueueQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() districtId?: string;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class AssignRequestDto extends BackdatableDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  unitId!: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsTimestamp()
  at?: string;
}

export class AssignmentStatusRequestDto extends BackdatableDto {
  @ApiProperty({ enum: ['en_route', 'on_scene', 'cleared'] })
  @IsIn(['en_route', 'on_scene', 'cleared'])
  status!: 'en_route' | 'on_scene' | 'cleared';

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsTimestamp()
  at?: string;
}

export class CancelAssignmentRequestDto {
  @ApiProperty({ maxLength: 300 })
  @IsString()
  @MinLength(3)
  @MaxLength(300)
  reason!: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'send this crew instead, in the same transaction',
  })
  @IsOptional()
  @IsUUID()
  reassignTo?: string;
}
