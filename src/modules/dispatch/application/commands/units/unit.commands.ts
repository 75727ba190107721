import { type Actor, type Principal } from '../../../../../common/roles';

export class CreateUnitCommand {
  constructor(
    readonly actor: Actor,
    readonly callSign: string,
    readonly districtId: string,
  ) {}
}

export class ReportUnitLocationCommand {
  constructor(
    readonly principal: Principal,
    readonly unitId: string,
    readonly lat: number,
    readonly lon: number,
    readonly at?: string,
  ) {}
}

export class SetUnitStatusCommand {
  constructor(
    readonly principal: Principal,
    readonly unitId: string,
    readonly status: 'available' | 'off_duty',
  ) {}
}

export interface UnitView {
  id: string;
  callSign: string;
  districtId: string;
  status: string;
  lat: number | null;
  lon: number | null;
  locationAt: string | null;
}
