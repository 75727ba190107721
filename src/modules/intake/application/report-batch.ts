import { Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { createHash } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { DomainError } from '../../../common/domain-error';
import { findUnstorableString } from '../../../common/validators';
import { QamqorReportDto } from '../api/qamqor-report.dto';
import {
  ReceiveReportCommand,
  type ReceiveReportResult,
} from './commands/receive-report/receive-report.command';

export interface BatchResult {
  accepted: number;
  duplicates: number;
  rejected: Array<{ line: number; code: string; message: string }>;
}

export const MAX_BATCH_LINES = 5000;

/**
 * NDJSON import: each line is its own report in its own transaction, so a bad line rejects only
 * itself and a crash half-way keeps the lines already accepted (a retry finds them as duplicates).
 */
@Injectable()
export class ReportBatchImporter {
  private readonly logger = new Logger('ReportBatch');

  constructor(private readonly commands: CommandBus) {}

  async import(source: 'qamqor', body: string): Promise<BatchResult> {
    const lines = body.split('\n');
    const result: BatchResult = { accepted: 0, duplicates: 0, rejected: [] };
    const reportLines = lines.filter((l) => l.trim() !== '').length;
    if (reportLines > MAX_BATCH_LINES) {
      throw DomainError.validation(
        'body',
        'BATCH_TOO_LARGE',
        `A batch holds at most ${MAX_BATCH_LINES} reports`,
      );
    }
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i].trim();
      if (text === '') continue;
      const line = i + 1;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        result.rejected.push({ line, code: 'MALFORMED_JSON', message: 'Line is not valid JSON' });
        continue;
      }
      const unstorable = findUnstorableString(parsed);
      if (unstorable) {
        result.rejected.push({
          line,
          code: 'INVALID_CHARACTERS',
          message: `${unstorable} contains characters that cannot be stored`,
        });
        continue;
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        result.rejected.push({
          line,
          code: 'VALIDATION_FAILED',
          message: 'Line is not a JSON object',
        });
        continue;
      }
      const dto = plainToInstance(QamqorReportDto, parsed);
      const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
      if (errors.length > 0) {
        const fields = errors.flatMap((e) => flattenFields(e)).join(', ');
        result.rejected.push({
          line,
          code: 'VALIDATION_FAILED',
          message: `Invalid fields: ${fields}`,
        });
        continue;
      }
      try {
        const outcome = await this.commands.execute<ReceiveReportCommand, ReceiveReportResult>(
          new ReceiveReportCommand(source, dto, createHash('sha256').update(text).digest('hex')),
        );
        if (outcome.duplicate) result.duplicates += 1;
        else result.accepted += 1;
      } catch (error) {
        // One line never fails the batch: the lines before it are committed, those after still run.
        if (error instanceof DomainError) {
          result.rejected.push({ line, code: error.code, message: error.message });
        } else {
          this.logger.error(
            {
              line,
              err: { type: (error as Error)?.name, code: (error as { code?: unknown })?.code },
            },
            'batch line failed',
          );
          result.rejected.push({
            line,
            code: 'INTERNAL_ERROR',
            message: 'This line could not be stored; send it again',
          });
        }
      }
    }
    return result;
  }
}

function flattenFields(e: ValidationError, parent = ''): string[] {
  const field = parent ? `${parent}.${e.property}` : e.property;
  const children = e.children ?? [];
  return children.length ? children.flatMap((c) => flattenFields(c, field)) : [field];
}
