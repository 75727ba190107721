import { Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { createHash } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { DomainError } from '../../../common/domain-error';
import { boundedField, parseBoundedJson } from '../../../common/input-limits';
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
        // Depth, sizes, forbidden keys and unstorable characters, before anything recursive.
        parsed = parseBoundedJson(text);
      } catch (error) {
        result.rejected.push(lineRejection(line, error));
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
      let dto: QamqorReportDto;
      try {
        dto = plainToInstance(QamqorReportDto, parsed);
        const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
        if (errors.length > 0) {
          const fields = [...new Set(errors.flatMap((e) => flattenFields(e)))];
          const shown = fields.slice(0, 10).map(boundedField).join(', ');
          const more = fields.length > 10 ? ` and ${fields.length - 10} more` : '';
          result.rejected.push({
            line,
            code: 'VALIDATION_FAILED',
            message: `Invalid fields: ${shown}${more}`,
          });
          continue;
        }
      } catch (error) {
        // Whatever the line holds, it rejects only itself.
        result.rejected.push(lineRejection(line, error));
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
          result.rejected.push(lineRejection(line, error));
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

/** Leaf field paths of a validation error, without recursion. */
function flattenFields(root: ValidationError): string[] {
  const fields: string[] = [];
  const stack: Array<{ e: ValidationError; parent: string }> = [{ e: root, parent: '' }];
  while (stack.length > 0) {
    const { e, parent } = stack.pop()!;
    const field = parent ? `${parent}.${e.property}` : e.property;
    const children = e.children ?? [];
    if (children.length === 0) fields.push(field);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ e: children[i], parent: field });
  }
  return fields;
}

const MAX_LINE_MESSAGE_CHARS = 300;

function lineRejection(line: number, error: unknown): BatchResult['rejected'][number] {
  if (error instanceof DomainError && error.code === 'MALFORMED_JSON') {
    return { line, code: 'MALFORMED_JSON', message: 'Line is not valid JSON' };
  }
  if (error instanceof DomainError) {
    const message =
      error.message.length <= MAX_LINE_MESSAGE_CHARS
        ? error.message
        : `${error.message.slice(0, MAX_LINE_MESSAGE_CHARS)}…`;
    return { line, code: error.code, message };
  }
  return { line, code: 'VALIDATION_FAILED', message: 'Line could not be read as a report' };
}
