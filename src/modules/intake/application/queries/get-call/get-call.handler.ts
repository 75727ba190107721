import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '@app/persistence';
import { type CallView, GetCallQuery } from './get-call.query';

@QueryHandler(GetCallQuery)
export class GetCallHandler implements IQueryHandler<GetCallQuery, CallView | null> {
  constructor(private readonly uow: UnitOfWork) {}

  async execute(q: GetCallQuery): Promise<CallView | null> {
    const [r] = (await this.uow.manager().query(
      `SELECT c.*, i.district_id AS incident_district_id, i.priority, i.risk_level, i.reasons
       FROM calls c JOIN incidents i ON i.id = c.incident_id WHERE c.id = $1`,
      [q.callId],
    )) as Array<Record<string, unknown> & { received_at: Date; answered_at: Date }>;
    if (!r) return null;
    return {
      id: r.id as string,
      incidentId: r.incident_id as string,
      // Scoped by the incident's district, which a supervisor may have changed.
      districtId: r.incident_district_id as string,
      receivedAt: r.received_at.toISOString(),
      answeredAt: r.answered_at.toISOString(),
      callerPhone: r.caller_phone as string | null,
      transcript: r.transcript as string | null,
      language: r.language as string | null,
      coded: r.coded as boolean,
      codedBy: r.coded_by as string | null,
      passphraseDetected: r.passphrase_detected as boolean,
      matchedPassphraseId: r.matched_passphrase_id as string | null,
      contactPolicy: r.contact_policy as string,
      priority: r.priority as number,
      riskLevel: r.risk_level as string,
      reasons: r.reasons as string[],
      createdBy: r.created_by as string,
    };
  }
}
