import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import { type Role, ROLES } from '../../../common/roles';
import { IsOptionalNotNull } from '../../../common/validators';
import { USERNAME_PATTERN } from '../domain/user';

export class CreateUserRequestDto {
  @ApiProperty({ example: 'a.nurlanova', pattern: USERNAME_PATTERN.source })
  @IsString()
  @Matches(USERNAME_PATTERN, {
    message: 'username must be 3-64 lowercase letters, digits, dots, dashes or underscores',
  })
  username!: string;

  @ApiProperty({ minLength: 12 })
  @IsString()
  @MaxLength(256)
  password!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  @ApiProperty({ type: [String], format: 'uuid' })
  @IsArray()
  @ArrayMaxSize(300)
  @IsUUID('all', { each: true })
  districtIds!: string[];
}

export class UpdateUserRequestDto {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptionalNotNull()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(300)
  @IsUUID('all', { each: true })
  districtIds?: string[];

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional({ minLength: 12 })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(256)
  password?: string;
}
