import { type PersonInput } from '../../../../people/domain/person-input';

/** A report from qamqor.gov.kz (or another signed partner), possibly delivered more than once. */
export class ReceiveReportCommand {
  constructor(
    readonly source: 'qamqor' | 'partner',
    readonly report: {
      reportId: string;
      submittedAt: string;
      districtId?: string;
      address: string;
      text: string;
      applicant: PersonInput;
      offender?: PersonInput;
    },
    readonly bodySha256: string,
  ) {}
}

export interface ReceiveReportResult {
  incidentId: string;
  duplicate: boolean;
}
