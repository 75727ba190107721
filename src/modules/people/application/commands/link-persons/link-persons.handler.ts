import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { preparedQuery, UnitOfWork } from '@app/persistence';
import { type EntityManager } from 'typeorm';
import { isEmptyPerson, type ParsedPerson } from '../../../domain/person-input';
import { LinkPersonsCommand, type LinkPersonsResult } from './link-persons.command';

@CommandHandler(LinkPersonsCommand)
export class LinkPersonsHandler implements ICommandHandler<LinkPersonsCommand, LinkPersonsResult> {
  constructor(private readonly uow: UnitOfWork) {}

  execute(command: LinkPersonsCommand): Promise<LinkPersonsResult> {
    return this.uow.run(async (tx) => {
      const linked: LinkPersonsResult = [];
      for (const { role, person } of command.people) {
        if (isEmptyPerson(person)) continue;
        const personId = await this.resolveAndLink(
          tx,
          person,
          command.incidentId,
          role,
          command.at,
        );
        linked.push({ role, personId });
      }
      return linked;
    });
  }

  /**
   * By IIN when known (a unique key, race-safe); else by name and phone together; else new. The
   * person is found or written and linked to the incident in one statement (issue 8).
   */
  private async resolveAndLink(
    tx: EntityManager,
    p: ParsedPerson,
    incidentId: string,
    role: string,
    at: Date,
  ): Promise<string> {
    // The details as recorded in this incident: a reader sees a person's name and phone only from
    // incidents of their own districts, never what another district recorded.
    const link = (name: string, phone: string, birth: string) => `, link AS (
         INSERT INTO incident_persons (incident_id, person_id, role, full_name, phone, birth_date)
         SELECT $1::uuid, id, $2::text, ${name}::text, ${phone}::text, ${birth}::date FROM person
         ON CONFLICT DO NOTHING)
       SELECT id FROM person`;
    if (p.iin) {
      const [row] = (await preparedQuery(
        tx,
        'person_link_iin_v1',
        `WITH person AS (
           INSERT INTO persons (iin, full_name, full_name_norm, phone, birth_date, created_at, updated_at)
           VALUES ($3, $4, $5, $6, $7, $8, $8)
           ON CONFLICT (iin) WHERE iin IS NOT NULL DO UPDATE SET
             full_name = COALESCE(persons.full_name, EXCLUDED.full_name),
             full_name_norm = COALESCE(persons.full_name_norm, EXCLUDED.full_name_norm),
             phone = COALESCE(persons.phone, EXCLUDED.phone),
             updated_at = EXCLUDED.updated_at
           RETURNING id)${link('$4', '$6', '$7')}`,
        [incidentId, role, p.iin, p.fullName, p.fullNameNorm, p.phone, p.birthDate, at],
      )) as Array<{ id: string }>;
      return row.id;
    }
    if (p.phone) {
      const [row] = (await preparedQuery(
        tx,
        'person_link_phone_v1',
        `WITH found AS (
           SELECT id FROM persons WHERE iin IS NULL AND phone = $5 AND full_name_norm IS NOT DISTINCT FROM $4
           ORDER BY created_at LIMIT 1),
         created AS (
           INSERT INTO persons (full_name, full_name_norm, phone, created_at, updated_at)
           SELECT $3::text, $4::text, $5::text, $6::timestamptz, $6::timestamptz WHERE NOT EXISTS (SELECT 1 FROM found)
           RETURNING id),
         person AS (SELECT id FROM found UNION ALL SELECT id FROM created)${link('$3', '$5', 'NULL')}`,
        [incidentId, role, p.fullName, p.fullNameNorm, p.phone, at],
      )) as Array<{ id: string }>;
      return row.id;
    }
    const [row] = (await preparedQuery(
      tx,
      'person_link_new_v1',
      `WITH person AS (
         INSERT INTO persons (full_name, full_name_norm, phone, created_at, updated_at)
         VALUES ($3, $4, $5, $6, $6) RETURNING id)${link('$3', '$5', 'NULL')}`,
      [incidentId, role, p.fullName, p.fullNameNorm, p.phone, at],
    )) as Array<{ id: string }>;
    return row.id;
  }
}
