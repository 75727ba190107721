import { signal } from '@preact/signals';

/**
 * The session: the access token and who it belongs to. The token is kept in sessionStorage (this
 * tab only, gone when it closes) so that a reload does not log the dispatcher out mid-shift; the
 * user's name, role and districts stay in memory and are re-read with GET /auth/me. Nothing goes
 * to localStorage, IndexedDB or cookies.
 */
const TOKEN_KEY = 'qorgau.token';

export type Role = 'dispatcher' | 'supervisor' | 'prosecutor' | 'inspector' | 'admin';

export interface User {
  id: string;
  username: string;
  role: Role;
  districtIds: string[];
}

export const token = signal<string | null>(sessionStorage.getItem(TOKEN_KEY));
export const user = signal<User | null>(null);
/** Why the user is on the login page again (a key of the dictionary), if not by choice. */
export const loggedOutBecause = signal<'sessionExpired' | null>(null);

export function startSession(accessToken: string, who: User): void {
  sessionStorage.setItem(TOKEN_KEY, accessToken);
  token.value = accessToken;
  user.value = who;
  loggedOutBecause.value = null;
}

export function endSession(reason: 'sessionExpired' | null = null): void {
  sessionStorage.removeItem(TOKEN_KEY);
  token.value = null;
  user.value = null;
  loggedOutBecause.value = reason;
}
