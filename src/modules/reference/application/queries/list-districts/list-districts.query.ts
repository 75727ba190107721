export class ListDistrictsQuery {}

export interface DistrictView {
  id: string;
  code: string;
  name: string;
  region: string;
}
