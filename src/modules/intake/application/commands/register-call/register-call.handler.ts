import { randomUUID } from 'node:crypto';
import { CommandBus, CommandHandler, type ICommandHandler, QueryBus } from '@nestjs/cqrs';
import { EventStore, type NewEvent } from '@app/event-store';
import { Clock, normalizeAddress, normalizePhone } from '@app/kz';
import { preparedQuery, UnitOfWork } from '@app/persistence';
import { assertDistrictAccess } from '../../../../../common/district-scope';
import { DomainError } from '../../../../../common/domain-error';
import { OpenIncidentCommand } from '../../../../incidents/application/commands/open-incident/open-incident.command';
import { HistorySignalsQuery } from '../../../../incidents/application/queries/history-signals/history-signals.query';
import { LinkPersonsCommand } from '../../../../people/application/commands/link-persons/link-persons.command';
import { parsePerson } from '../../../../people/domain/person-input';
import { TriageService } from '../../../../triage/application/triage.service';
import { type HistorySignals } from '../../../../triage/domain/risk-assessment';
import { type PassphraseCandidate } from '../../../domain/passphrase-matcher';
import { matcherFor } from '../../passphrase-matchers';
import { ActivePassphrasesQuery } from '../../queries/list-passphrases/active-passphrases.query';
import { RegisterCallCommand, type RegisterCallResult } from './register-call.command';

/** How far ahead of the server clock a dispatcher console's timestamps may run. */
const CLOCK_SKEW_MS = 60_000;

@CommandHandler(RegisterCallCommand)
export class RegisterCallHandler implements ICommandHandler<
  RegisterCallCommand,
  RegisterCallResult
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly events: EventStore,
    private readonly triage: TriageService,
    private readonly clock: Clock,
  ) {}

  async execute({ principal, call }: RegisterCallCommand): Promise<RegisterCallResult> {
    assertDistrictAccess(principal, call.districtId);
    const now = this.clock.now();
    const receivedAt = call.receivedAt ? new Date(call.receivedAt) : now;
    const answeredAt = call.answeredAt
      ? new Date(call.answeredAt)
      : receivedAt > now
        ? receivedAt
        : now;
    if (receivedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) {
      throw DomainError.validation('receivedAt', 'IN_FUTURE', 'receivedAt is in the future');
    }
    if (answeredAt.getTime() > now.getTime() + CLOCK_SKEW_MS) {
      throw DomainError.validation('answeredAt', 'IN_FUTURE', 'answeredAt is in the future');
    }
    if (answeredAt < receivedAt) {
      throw DomainError.validation(
        'answeredAt',
        'ANSWERED_BEFORE_RECEIVED',
        'answeredAt is before receivedAt',
      );
    }
    // Withheld, payphone or no SIM: no number, and nothing may ever call or text it back.
    const callerPhone = call.callerPhone == null ? null : normalizePhone(call.callerPhone);
    if (call.callerPhone != null && !callerPhone)
      throw DomainError.validation(
        'callerPhone',
        'PHONE_INVALID',
        'callerPhone is not a valid phone number',
      );
    const victim = parsePerson(call.victim ?? {}, 'victim');
    const offender = parsePerson(call.offender ?? {}, 'offender');

    const candidates = await this.queries.execute<ActivePassphrasesQuery, PassphraseCandidate[]>(
      new ActivePassphrasesQuery(call.districtId, receivedAt),
    );
    const match = call.transcript ? matcherFor(candidates).match(call.transcript) : null;
    const coded = call.coded === true || match !== null;
    const codedBy = call.coded === true ? 'dispatcher' : match ? 'passphrase' : null;
    const contactPolicy = coded ? 'silent' : 'normal';
    const addressNorm = normalizeAddress(call.address);
    const answers = call.risk ?? {};
    const incidentId = randomUUID();
    const callId = randomUUID();

    return this.uow.run(async (tx) => {
      const history = await this.queries.execute<HistorySignalsQuery, HistorySignals>(
        new HistorySignalsQuery(null, addressNorm, callerPhone, receivedAt, [
          { role: 'victim', ...victim },
          { role: 'offender', ...offender },
        ]),
      );
      const assessment = await this.triage.assess(tx, receivedAt, answers, history, {
        coded,
        silent: call.silent === true,
      });
      const leadingEvents: NewEvent[] = [
        {
          type: 'CallRegistered',
          payload: {
            callId,
            incidentId,
            districtId: call.districtId,
            receivedAt: receivedAt.toISOString(),
            answeredAt: answeredAt.toISOString(),
            coded,
            codedBy,
            passphraseDetected: match !== null,
            matchedPassphraseId: match?.passphraseId ?? null,
            language: call.language ?? null,
            possibleViolationOrderId: history.possibleViolationOrderId ?? null,
          },
          actorId: principal.id,
          occurredAt: now,
        },
      ];
      await this.commands.execute(
        new OpenIncidentCommand(
          {
            id: incidentId,
            source: 'call',
            districtId: call.districtId,
            address: call.address,
            addressNorm,
            lat: call.lat ?? null,
            lon: call.lon ?? null,
            callerPhone,
            coded,
            contactPolicy,
            triage: assessment,
            riskAnswers: answers,
            receivedAt,
          },
          principal.id,
          now,
          leadingEvents,
        ),
      );
      // Prepared once per connection (every call).
      await preparedQuery(
        tx,
        'call_insert_v1',
        `INSERT INTO calls (id, incident_id, district_id, received_at, answered_at, caller_phone, transcript, language,
           coded, coded_by, passphrase_detected, matched_passphrase_id, contact_policy, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
        [
          callId,
          incidentId,
          call.districtId,
          receivedAt,
          answeredAt,
          callerPhone,
          call.transcript ?? null,
          call.language ?? null,
          coded,
          codedBy,
          match !== null,
          match?.passphraseId ?? null,
          contactPolicy,
          principal.id,
          now,
        ],
      );
      await this.commands.execute(
        new LinkPersonsCommand(
          incidentId,
          [
            { role: 'victim', person: victim },
            { role: 'offender', person: offender },
          ],
          now,
        ),
      );
      return {
        id: callId,
        incidentId,
        coded,
        passphraseDetected: match !== null,
        ...(match ? { matchedPassphraseId: match.passphraseId } : {}),
        priority: assessment.priority,
        riskLevel: assessment.riskLevel,
        reasons: assessment.reasons,
        contactPolicy,
        ruleSet: assessment.ruleSet,
        ...(history.possibleViolationOrderId
          ? { possibleViolation: { orderId: history.possibleViolationOrderId } }
          : {}),
      };
    });
  }
}
