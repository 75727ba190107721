import { type Principal } from '../../../../../common/roles';
import { type Disposition } from '../../../domain/incident';

export class CloseIncidentCommand {
  constructor(
    readonly principal: Principal,
    readonly incidentId: string,
    readonly disposition: Disposition,
  ) {}
}
