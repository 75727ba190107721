import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '@app/persistence';
import { GetPersonByIinQuery, type PersonLookup, type PersonView } from './get-person.query';

/**
 * The person and the incidents that link them, limited to the caller's districts. A person with
 * nothing in the caller's districts is not shown at all (null), so lookups cannot probe regions.
 */
@QueryHandler(GetPersonByIinQuery)
export class GetPersonByIinHandler implements IQueryHandler<GetPersonByIinQuery, PersonLookup> {
  constructor(private readonly uow: UnitOfWork) {}

  async execute(query: GetPersonByIinQuery): Promise<PersonLookup> {
    const db = this.uow.manager();
    const [person] = (await db.query(
      `SELECT id, iin, full_name, phone, to_char(birth_date, 'YYYY-MM-DD') AS birth_date FROM persons WHERE iin = $1`,
      [query.iin],
    )) as Array<{
      id: string;
      iin: string;
      full_name: string | null;
      phone: string | null;
      birth_date: string | null;
    }>;
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
    const view: PersonView = {
      id: person.id,
      iin: person.iin,
      fullName: person.full_name,
      phone: person.phone,
      birthDate: person.birth_date,
      history: {
        incidents: incidents.map((i) => ({
          id: i.id,
          source: i.source,
          status: i.status,
          priority: i.priority,
          districtId: i.district_id,
          receivedAt: i.received_at.toISOString(),
          roles: i.roles,
        })),
        // Filled by the enforcement capability (warnings, orders, arrests, special requirements).
        warnings: [],
        protectiveOrders: [],
        arrests: [],
        specialRequirements: [],
        registration: null,
      },
    };
    return { personId: person.id, view };
  }
}
