import { type Principal } from '../../../../../common/roles';

/** Routes an incident to a district: a web report that named none, or one sent to the wrong one. */
export class AssignDistrictCommand {
  constructor(
    readonly principal: Principal,
    readonly incidentId: string,
    readonly districtId: string,
  ) {}
}
