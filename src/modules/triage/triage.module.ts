import { Module } from '@nestjs/common';
import { TriageService } from './application/triage.service';

/** Risk assessment and priority policy. */
@Module({
  providers: [TriageService],
  exports: [TriageService],
})
export class TriageModule {}
