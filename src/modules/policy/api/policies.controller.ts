import { Body, Controller, Get, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { UnitOfWork } from '@app/persistence';
import { AnyRole, CurrentActor, Roles } from '../../../common/auth.decorators';
import type { Actor } from '../../../common/roles';
import { IsTimestamp } from '../../../common/validators';
import { CreateRuleSetVersionCommand } from '../application/commands/create-rule-set-version/create-rule-set-version.command';
import { type RuleSetVersionView } from '../application/commands/create-rule-set-version/create-rule-set-version.handler';
import { RuleSetRepository } from '../application/rule-set.repository';
import { ApiEndpoint } from '../../../common/openapi';
import { PolicyResponseDto, RuleSetVersionResponseDto, RuleValueDto } from './policy.response.dto';

export class CreateRuleSetVersionRequestDto {
  @ApiProperty({ example: 'deadlines' })
  @Matches(/^[a-z][a-z_]{1,39}$/, { message: 'kind must be lower-case letters and _' })
  kind!: string;

  @ApiProperty({ example: '2027.1' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, {
    message: 'version must be letters, digits, . _ -',
  })
  version!: string;

  @ApiProperty({
    format: 'date-time',
    description: 'Not in the past, and after the latest version of the kind',
  })
  @IsTimestamp()
  validFrom!: string;

  @ApiProperty({
    description:
      'Changed or new values, each {value, unit?, citation, confidence?}; keys not given carry over',
    example: {
      'alert.codedCallUnassignedSeconds': {
        value: 30,
        unit: 's',
        citation: 'Regional order No. …',
      },
    },
  })
  @IsObject()
  values!: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: 300 })
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(300)
  description?: string;
}

@ApiTags('policy')
@ApiBearerAuth()
@Controller('policies')
export class PoliciesController {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly ruleSets: RuleSetRepository,
    private readonly commands: CommandBus,
  ) {}

  /** Every rule set, its validity and each value with its citation. */
  @Get()
  @AnyRole()
  @ApiEndpoint({
    summary: 'Every rule set, its validity and each value with its citation',
    ok: { type: PolicyResponseDto, isArray: true },
  })
  @ApiExtraModels(RuleValueDto)
  async list() {
    const sets = await this.ruleSets.list(this.uow.manager());
    // A version ends where the next of its kind begins (rows of versions in use are never edited).
    return sets.map((s, i) => {
      const next = sets[i + 1]?.kind === s.kind ? sets[i + 1] : undefined;
      const validTo = s.validTo ?? next?.validFrom ?? null;
      return {
        id: s.id,
        kind: s.kind,
        version: s.version,
        validFrom: s.validFrom.toISOString(),
        validTo: validTo?.toISOString() ?? null,
        values: s.values,
      };
    });
  }

  /** A new version of a kind from a date (admin); keys not given carry over from the latest. */
  @Post()
  @Roles('admin')
  @ApiEndpoint({
    summary: 'A new version of a kind of rule set from a date; unnamed values carry over',
    ok: { status: 201, type: RuleSetVersionResponseDto },
    errors: [
      [409, 'VERSION_EXISTS or IDEMPOTENCY_KEY_REUSED'],
      [422, 'VALID_FROM_IN_PAST or VALID_FROM_NOT_AFTER_LATEST'],
    ],
  })
  create(
    @Body() b: CreateRuleSetVersionRequestDto,
    @CurrentActor() actor: Actor,
  ): Promise<RuleSetVersionView> {
    return this.commands.execute(
      new CreateRuleSetVersionCommand(
        actor,
        b.kind,
        b.version,
        new Date(b.validFrom),
        b.values,
        b.description,
      ),
    );
  }
}
