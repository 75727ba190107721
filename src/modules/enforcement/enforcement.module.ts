import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EnforcementController } from './api/enforcement.controller';
import { EnforcementSupport } from './application/enforcement-support';
import {
  CompleteCheckInHandler,
  RecordSafeContactHandler,
} from './application/commands/check-ins/check-in.handlers';
import {
  IssueProtectiveOrderHandler,
  RecordOrderViolationHandler,
  RevokeProtectiveOrderHandler,
  ServeProtectiveOrderHandler,
} from './application/commands/protective-orders/protective-order.handlers';
import {
  IssueWarningHandler,
  RecordArrestHandler,
  RecordSpecialRequirementsHandler,
} from './application/commands/sanctions/sanction.handlers';
import {
  GetProtectiveOrderHandler,
  ListCheckInsHandler,
  ListProtectiveOrdersHandler,
} from './application/queries/enforcement.queries';
import { PersonEnforcementHistoryHandler } from './application/queries/person-history.query';

/** Warnings, protective orders, arrests, special requirements, registration and check-ins. */
@Module({
  imports: [CqrsModule],
  controllers: [EnforcementController],
  providers: [
    EnforcementSupport,
    IssueProtectiveOrderHandler,
    ServeProtectiveOrderHandler,
    RecordOrderViolationHandler,
    RevokeProtectiveOrderHandler,
    IssueWarningHandler,
    RecordArrestHandler,
    RecordSpecialRequirementsHandler,
    CompleteCheckInHandler,
    RecordSafeContactHandler,
    ListProtectiveOrdersHandler,
    GetProtectiveOrderHandler,
    ListCheckInsHandler,
    PersonEnforcementHistoryHandler,
  ],
})
export class EnforcementModule {}
