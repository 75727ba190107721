import { type EntityManager } from 'typeorm';
import { type UserChangeSet } from '../../../domain/user-change';
import { type UserChangeStatus, type UserChangeView } from './user-change.commands';

export interface UserChangeRow {
  id: string;
  kind: 'create' | 'update';
  user_id: string | null;
  username: string | null;
  changes: UserChangeView['changes'];
  password_hash: string | null;
  status: UserChangeStatus;
  proposed_by: string | null;
  proposed_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
}

const COLUMNS = `id, kind, user_id, username, changes, password_hash, status, proposed_by, proposed_at, decided_by, decided_at`;

export const UserChanges = {
  async insert(
    tx: EntityManager,
    c: {
      kind: 'create' | 'update';
      userId: string | null;
      username: string | null;
      changes: UserChangeSet;
      proposedBy: string;
      at: Date;
    },
  ): Promise<UserChangeRow> {
    const { passwordHash, ...rest } = c.changes;
    // Creation always sets a password; for an update, only the fact of a reset is recorded.
    const changes = c.kind === 'update' && passwordHash ? { ...rest, passwordReset: true } : rest;
    const [row] = (await tx.query(
      `INSERT INTO user_changes (kind, user_id, username, changes, password_hash, proposed_by, proposed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [c.kind, c.userId, c.username, changes, passwordHash ?? null, c.proposedBy, c.at],
    )) as UserChangeRow[];
    return row;
  },

  async lock(tx: EntityManager, id: string): Promise<UserChangeRow | null> {
    const [row] = (await tx.query(`SELECT ${COLUMNS} FROM user_changes WHERE id = $1 FOR UPDATE`, [
      id,
    ])) as UserChangeRow[];
    return row ?? null;
  },

  async decide(
    tx: EntityManager,
    id: string,
    d: { status: 'approved' | 'rejected'; by: string; at: Date; userId: string | null },
  ): Promise<UserChangeRow> {
    // The password hash is not kept once the change is decided.
    const [row] = (await tx.query(
      `UPDATE user_changes SET status = $2, decided_by = $3, decided_at = $4, user_id = $5, password_hash = NULL
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, d.status, d.by, d.at, d.userId],
    )) as [UserChangeRow[], number];
    return row[0];
  },

  async list(db: EntityManager, status?: UserChangeStatus): Promise<UserChangeRow[]> {
    // An update names its user by id; the list shows the user's name as well.
    const columns = COLUMNS.split(', ')
      .map((c) => (c === 'username' ? 'COALESCE(uc.username, u.username) AS username' : `uc.${c}`))
      .join(', ');
    return (await db.query(
      `SELECT ${columns} FROM user_changes uc LEFT JOIN users u ON u.id = uc.user_id
       WHERE ($1::text IS NULL OR uc.status = $1)
       ORDER BY uc.proposed_at DESC, uc.id LIMIT 1000`,
      [status ?? null],
    )) as UserChangeRow[];
  },
};

export function toChangeView(r: UserChangeRow): UserChangeView {
  return {
    changeId: r.id,
    status: r.status,
    kind: r.kind,
    userId: r.user_id,
    username: r.username,
    changes: r.changes,
    proposedBy: r.proposed_by,
    proposedAt: r.proposed_at.toISOString(),
    decidedBy: r.decided_by,
    decidedAt: r.decided_at ? r.decided_at.toISOString() : null,
  };
}
