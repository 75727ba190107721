import { type EnvironmentSchema } from './app-config';

/** What start-up resolved: validated environment, the database in use, the JWT secret. */
export interface Runtime {
  env: EnvironmentSchema;
  databaseUrl: string;
  embedded: boolean;
  jwtSecret: string;
}

export const RUNTIME = Symbol('RUNTIME');
