export const ROLES = ['dispatcher', 'inspector', 'supervisor', 'prosecutor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The authenticated caller, re-read from the database on every request. */
export interface Principal {
  id: string;
  username: string;
  role: Role;
  districtIds: string[];
  /** The token version the request was authenticated with (a reset or disable bumps it). */
  tokenVersion?: number;
}

/** The caller and where the request came from, passed into commands for audit. */
export interface Actor {
  userId: string;
  ip: string;
}
