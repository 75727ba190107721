import { IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import {
  type PersonEnforcementHistory,
  PersonEnforcementHistoryQuery,
} from '../../../../enforcement/application/queries/person-history.query';
import { UnitOfWork } from '@app/persistence';
import { type Principal } from '../../../../../common/roles';
import {
  GetPersonByIdQuery,
  GetPersonByIinQuery,
  type PersonLookup,
  type PersonView,
  type SafeContactEntry,
} from './get-person.query';

/**
 * The person and the incidents that link them, limited to the caller's districts. A person with
 * nothing in the caller's districts is not shown at all (null), so lookups cannot probe regions.
 * Name, phone and birth date come only from what incidents of the caller's districts recorded:
 * naming an IIN in a new call must not unlock what another district recorded. Risk signals
 * (how many incidents elsewhere) may cross districts; personal details do not.
 */
@QueryHandler(GetPersonByIinQuery)
export class GetPersonByIinHandler implements IQueryHandler<GetPersonByIinQuery, PersonLookup> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly queries: QueryBus,
  ) {}

  execute(query: GetPersonByIinQuery): Promise<PersonLookup> {
    return readPerson(this.uow, this.queries, 'iin', query.iin, query.principal);
  }
}

/** The same person view by id (persons recorded without an IIN have only that). */
@QueryHandler(GetPersonByIdQuery)
export class GetPersonByIdHandler implements IQueryHandler<GetPersonByIdQuery, PersonLookup> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly queries: QueryBus,
  ) {}

  execute(query: GetPersonByIdQuery): Promise<PersonLookup> {
    return readPerson(this.uow, this.queries, 'id', query.id, query.principal);
  }
}

async function readPerson(
  uow: UnitOfWork,
  queries: QueryBus,
  by: 'iin' | 'id',
  key: string,
  principal: Principal,
): Promise<PersonLookup> {
  const query = { principal };
  const db = uow.manager();
  const [person] = (await db.query(
    by === 'iin'
      ? `SELECT id, iin FROM persons WHERE iin = $1`
      : `SELECT id, iin FROM persons WHERE id = $1`,
    [key],
  )) as Array<{ id: string; iin: string | null }>;
  if (!person) return { personId: null, view: null };
  const incidents = (await db.query(
    `SELECT i.id, i.source, i.status, i.priority, i.district_id, i.received_at, array_agg(ip.role ORDER BY ip.role) AS roles
       FROM incident_persons ip JOIN incidents i ON i.id = ip.incident_id
       WHERE ip.person_id = $1 AND i.district_id = ANY($2::uuid[])
       GROUP BY i.id ORDER BY i.received_at DESC`,
    [person.id, query.principal.districtIds],
  )) as Array<{
    id: string;
    source: string;
    status: string;
    priority: number;
    district_id: string | null;
    received_at: Date;
    roles: string[];
  }>;
  if (incidents.length === 0) return { personId: person.id, view: null };
  // The latest non-empty value of each detail among the caller's districts' incidents.
  const [details] = (await db.query(
    `SELECT
         (array_agg(ip.full_name ORDER BY i.received_at DESC) FILTER (WHERE ip.full_name IS NOT NULL))[1] AS full_name,
         (array_agg(ip.phone ORDER BY i.received_at DESC) FILTER (WHERE ip.phone IS NOT NULL))[1] AS phone,
         to_char((array_agg(ip.birth_date ORDER BY i.received_at DESC) FILTER (WHERE ip.birth_date IS NOT NULL))[1], 'YYYY-MM-DD') AS birth_date,
         (SELECT count(DISTINCT o.incident_id)::int FROM incident_persons o JOIN incidents oi ON oi.id = o.incident_id
           WHERE o.person_id = $1 AND (oi.district_id IS NULL OR NOT oi.district_id = ANY($2::uuid[]))) AS elsewhere
       FROM incident_persons ip JOIN incidents i ON i.id = ip.incident_id
       WHERE ip.person_id = $1 AND i.district_id = ANY($2::uuid[])`,
    [person.id, query.principal.districtIds],
  )) as Array<{
    full_name: string | null;
    phone: string | null;
    birth_date: string | null;
    elsewhere: number;
  }>;
  const safeContacts = (
    (await db.query(
      `SELECT id, channel, value, consent_at, created_at, withdrawn_at FROM safe_contacts
         WHERE person_id = $1 ORDER BY created_at DESC, id DESC`,
      [person.id],
    )) as Array<{
      id: string;
      channel: string;
      value: string;
      consent_at: Date;
      created_at: Date;
      withdrawn_at: Date | null;
    }>
  ).map((c): SafeContactEntry => ({
    id: c.id,
    channel: c.channel,
    value: c.value,
    consentAt: c.consent_at.toISOString(),
    recordedAt: c.created_at.toISOString(),
    withdrawnAt: c.withdrawn_at?.toISOString() ?? null,
  }));
  const enforcement = await queries.execute<
    PersonEnforcementHistoryQuery,
    PersonEnforcementHistory
  >(new PersonEnforcementHistoryQuery(person.id, query.principal.districtIds));
  const view: PersonView = {
    id: person.id,
    iin: person.iin,
    fullName: details.full_name,
    phone: details.phone,
    birthDate: details.birth_date,
    safeContacts,
    history: {
      incidentsInOtherDistricts: details.elsewhere,
      incidents: incidents.map((i) => ({
        id: i.id,
        source: i.source,
        status: i.status,
        priority: i.priority,
        districtId: i.district_id,
        receivedAt: i.received_at.toISOString(),
        roles: i.roles,
      })),
      ...enforcement,
    },
  };
  return { personId: person.id, view };
}
