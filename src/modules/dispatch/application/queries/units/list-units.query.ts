import { type Principal } from '../../../../../common/roles';

export class ListUnitsQuery {
  constructor(
    readonly principal: Principal,
    readonly districtId?: string,
    readonly status?: string,
  ) {}
}
