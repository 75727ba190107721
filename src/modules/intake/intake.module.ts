import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TriageModule } from '../triage/triage.module';
import { CallsController } from './api/calls.controller';
import { PassphrasesController } from './api/passphrases.controller';
import { QamqorController } from './api/qamqor.controller';
import { ReportSignatureGuard } from './api/report-signature.guard';
import { ReceiveReportHandler } from './application/commands/receive-report/receive-report.handler';
import { ReportBatchImporter } from './application/report-batch';
import { CreatePassphraseHandler } from './application/commands/create-passphrase/create-passphrase.handler';
import { FlagCodedHandler } from './application/commands/flag-coded/flag-coded.handler';
import { RegisterCallHandler } from './application/commands/register-call/register-call.handler';
import { GetCallHandler } from './application/queries/get-call/get-call.handler';
import { ActivePassphrasesHandler } from './application/queries/list-passphrases/active-passphrases.handler';
import { ListPassphrasesHandler } from './application/queries/list-passphrases/list-passphrases.handler';

/** 102 calls, passphrase recognition, and signed reports from qamqor.gov.kz and partners. */
@Module({
  imports: [CqrsModule, TriageModule],
  controllers: [CallsController, PassphrasesController, QamqorController],
  providers: [
    RegisterCallHandler,
    FlagCodedHandler,
    CreatePassphraseHandler,
    GetCallHandler,
    ActivePassphrasesHandler,
    ListPassphrasesHandler,
    ReceiveReportHandler,
    ReportBatchImporter,
    ReportSignatureGuard,
  ],
})
export class IntakeModule {}
