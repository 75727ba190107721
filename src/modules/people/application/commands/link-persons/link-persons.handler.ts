import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '@app/persistence';
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
        const personId = await this.resolve(tx, person, command.at);
        // The details as recorded in this incident: a reader sees a person's name and phone only
        // from incidents of their own districts, never what another district recorded.
        await tx.query(
          `INSERT INTO incident_persons (incident_id, person_id, role, full_name, phone, birth_date)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
          [command.incidentId, personId, role, person.fullName, person.phone, person.birthDate],
        );
        linked.push({ role, personId });
      }
      return linked;
    });
  }

  /** By IIN when known (a unique key, race-safe); else by name and phone together; else new. */
  private async resolve(tx: EntityManager, p: ParsedPerson, at: Date): Promise<string> {
    if (p.iin) {
      const [row] = (await tx.query(
        `INSERT INTO persons (iin, full_name, full_name_norm, phone, birth_date, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)
         ON CONFLICT (iin) WHERE iin IS NOT NULL DO UPDATE SET
           full_name = COALESCE(persons.full_name, EXCLUDED.full_name),
           full_name_norm = COALESCE(persons.full_name_norm, EXCLUDED.full_name_norm),
           phone = COALESCE(persons.phone, EXCLUDED.phone),
           updated_at = EXCLUDED.updated_at
         RETURNING id`,
        [p.iin, p.fullName, p.fullNameNorm, p.phone, p.birthDate, at],
      )) as Array<{ id: string }>;
      return row.id;
    }
    if (p.phone) {
      const [existing] = (await tx.query(
        `SELECT id FROM persons WHERE iin IS NULL AND phone = $1 AND full_name_norm IS NOT DISTINCT FROM $2
         ORDER BY created_at LIMIT 1`,
        [p.phone, p.fullNameNorm],
      )) as Array<{ id: string }>;
      if (existing) return existing.id;
    }
    const [created] = (await tx.query(
      `INSERT INTO persons (full_name, full_name_norm, phone, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id`,
      [p.fullName, p.fullNameNorm, p.phone, at],
    )) as Array<{ id: string }>;
    return created.id;
  }
}
