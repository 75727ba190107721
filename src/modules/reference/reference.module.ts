import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DistrictsController } from './api/districts.controller';
import { ListDistrictsHandler } from './application/queries/list-districts/list-districts.handler';

/** Reference data: districts and their regions. */
@Module({
  imports: [CqrsModule],
  controllers: [DistrictsController],
  providers: [ListDistrictsHandler],
})
export class ReferenceModule {}
