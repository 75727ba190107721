import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler, QueryBus } from '@nestjs/cqrs';
import { EventStore, type NewEvent } from '@app/event-store';
import { Clock, normalizeAddress } from '@app/kz';
import { UnitOfWork } from '@app/persistence';
import { DomainError } from '../../../../../common/domain-error';
import { OpenIncidentCommand } from '../../../../incidents/application/commands/open-incident/open-incident.command';
import { HistorySignalsQuery } from '../../../../incidents/application/queries/history-signals/history-signals.query';
import { LinkPersonsCommand } from '../../../../people/application/commands/link-persons/link-persons.command';
import { parsePerson } from '../../../../people/domain/person-input';
import { TriageService } from '../../../../triage/application/triage.service';
import { type HistorySignals } from '../../../../triage/domain/risk-assessment';
import { ReceiveReportCommand, type ReceiveReportResult } from './receive-report.command';

const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * One report makes one incident however often it arrives: the unique (source, report_id) row is
 * inserted first, so a second delivery — even one racing this one — waits on it and finds it.
 */
@CommandHandler(ReceiveReportCommand)
export class ReceiveReportHandler implements ICommandHandler<
  ReceiveReportCommand,
  ReceiveReportResult
> {
  private readonly logger = new Logger('ReportIntake');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly events: EventStore,
    private readonly triage: TriageService,
    private readonly clock: Clock,
  ) {}

  async execute({
    source,
    report,
    bodySha256,
  }: ReceiveReportCommand): Promise<ReceiveReportResult> {
    const now = this.clock.now();
    const submittedAt = new Date(report.submittedAt);
    if (submittedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) {
      throw DomainError.validation('submittedAt', 'IN_FUTURE', 'submittedAt is in the future');
    }
    const applicant = parsePerson(report.applicant, 'applicant');
    const offender = parsePerson(report.offender ?? {}, 'offender');
    const addressNorm = normalizeAddress(report.address);
    const incidentId = randomUUID();

    return this.uow.run(async (tx) => {
      const inserted = (await tx.query(
        `INSERT INTO intake_reports (source, report_id, incident_id, submitted_at, received_at, body_sha256, text)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (source, report_id) DO NOTHING RETURNING id`,
        [source, report.reportId, incidentId, submittedAt, now, bodySha256, report.text],
      )) as unknown[];
      if (inserted.length === 0) {
        const [seen] = (await tx.query(
          `SELECT incident_id, body_sha256 FROM intake_reports WHERE source = $1 AND report_id = $2`,
          [source, report.reportId],
        )) as Array<{ incident_id: string; body_sha256: string }>;
        if (seen.body_sha256 !== bodySha256) {
          this.logger.warn(
            { source, incidentId: seen.incident_id },
            'report delivered again with a different body; first kept',
          );
        }
        return { incidentId: seen.incident_id, duplicate: true };
      }
      if (report.districtId) {
        const found = (await tx.query(`SELECT 1 FROM districts WHERE id = $1`, [
          report.districtId,
        ])) as unknown[];
        if (found.length === 0)
          throw DomainError.validation(
            'districtId',
            'UNKNOWN_DISTRICT',
            'districtId names no district',
          );
      }
      const history = await this.queries.execute<HistorySignalsQuery, HistorySignals>(
        new HistorySignalsQuery(null, addressNorm, applicant.phone, submittedAt, [
          { role: 'applicant', ...applicant },
          { role: 'offender', ...offender },
        ]),
      );
      const assessment = await this.triage.assess(tx, submittedAt, {}, history, { coded: false });
      const leadingEvents: NewEvent[] = [
        {
          type: 'ReportReceived',
          payload: {
            incidentId,
            source,
            reportId: report.reportId,
            submittedAt: submittedAt.toISOString(),
            bodySha256,
          },
          actorId: null,
          occurredAt: now,
        },
      ];
      await this.commands.execute(
        new OpenIncidentCommand(
          {
            id: incidentId,
            source,
            districtId: report.districtId ?? null,
            address: report.address,
            addressNorm,
            lat: null,
            lon: null,
            callerPhone: applicant.phone,
            coded: false,
            contactPolicy: 'normal',
            triage: assessment,
            riskAnswers: {},
            receivedAt: submittedAt,
          },
          null,
          now,
          leadingEvents,
        ),
      );
      await this.commands.execute(
        new LinkPersonsCommand(
          incidentId,
          [
            { role: 'applicant', person: applicant },
            { role: 'offender', person: offender },
          ],
          now,
        ),
      );
      return { incidentId, duplicate: false };
    });
  }
}
