import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { PersonsController } from './api/persons.controller';
import { LinkPersonsHandler } from './application/commands/link-persons/link-persons.handler';
import {
  GetPersonByIinHandler,
  GetPersonByIdHandler,
} from './application/queries/get-person/get-person.handler';

/** Persons identified by IIN (or by name and phone), their links to incidents and their history. */
@Module({
  imports: [CqrsModule],
  controllers: [PersonsController],
  providers: [LinkPersonsHandler, GetPersonByIinHandler, GetPersonByIdHandler],
})
export class PeopleModule {}
