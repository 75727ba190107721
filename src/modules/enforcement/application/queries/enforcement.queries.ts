import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Clock } from '@app/kz';
import { UnitOfWork } from '@app/persistence';
import { assertInScope } from '../../../../common/district-scope';
import { type Principal } from '../../../../common/roles';
import { type CheckInView } from '../commands/check-ins/check-in.commands';
import { toCheckInView } from '../commands/check-ins/check-in.handlers';
import { type ProtectiveOrderView } from '../commands/protective-orders/protective-order.commands';
import { loadOrderView } from '../commands/protective-orders/protective-order.handlers';

export class ListProtectiveOrdersQuery {
  constructor(
    readonly principal: Principal,
    readonly filter: { status?: string; districtId?: string; expiringBefore?: Date; limit: number },
  ) {}
}

export class GetProtectiveOrderQuery {
  constructor(
    readonly principal: Principal,
    readonly id: string,
  ) {}
}

export class ListCheckInsQuery {
  constructor(
    readonly principal: Principal,
    readonly filter: { due?: Date; districtId?: string; limit: number },
  ) {}
}

/** The caller's districts, narrowed to one when asked; a district not theirs gives nothing. */
function districtsOf(principal: Principal, districtId?: string): string[] {
  if (!districtId) return principal.districtIds;
  return principal.districtIds.includes(districtId) ? [districtId] : [];
}

@QueryHandler(ListProtectiveOrdersQuery)
export class ListProtectiveOrdersHandler implements IQueryHandler<ListProtectiveOrdersQuery> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async execute({ principal, filter }: ListProtectiveOrdersQuery): Promise<ProtectiveOrderView[]> {
    const now = this.clock.now();
    const db = this.uow.manager();
    // Status as of now: a served order past its end is expired even before a job marks it.
    const rows = (await db.query(
      `SELECT id FROM protective_orders o
       WHERE district_id = ANY($1::uuid[])
         AND ($2::text IS NULL
              OR ($2 = 'expired' AND (status = 'expired' OR (status = 'served' AND expires_at <= $4)))
              OR ($2 = 'served' AND status = 'served' AND expires_at > $4)
              OR ($2 NOT IN ('expired', 'served') AND status = $2))
         AND ($3::timestamptz IS NULL OR (expires_at IS NOT NULL AND expires_at <= $3))
       ORDER BY issued_at DESC, id LIMIT $5`,
      [
        districtsOf(principal, filter.districtId),
        filter.status ?? null,
        filter.expiringBefore ?? null,
        now,
        filter.limit,
      ],
    )) as Array<{ id: string }>;
    const views: ProtectiveOrderView[] = [];
    for (const r of rows) views.push(await loadOrderView(db, r.id, now));
    return views;
  }
}

@QueryHandler(GetProtectiveOrderQuery)
export class GetProtectiveOrderHandler implements IQueryHandler<GetProtectiveOrderQuery> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async execute({ principal, id }: GetProtectiveOrderQuery): Promise<ProtectiveOrderView> {
    const view = await loadOrderView(this.uow.manager(), id, this.clock.now());
    assertInScope(principal, view.districtId, {
      type: 'protective_order',
      id: view.id,
      what: 'Protective order',
    });
    return view;
  }
}

@QueryHandler(ListCheckInsQuery)
export class ListCheckInsHandler implements IQueryHandler<ListCheckInsQuery> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async execute({ principal, filter }: ListCheckInsQuery): Promise<CheckInView[]> {
    const now = this.clock.now();
    const rows = (await this.uow.manager().query(
      `SELECT * FROM check_ins WHERE status = 'due' AND district_id = ANY($1::uuid[])
         AND ($2::timestamptz IS NULL OR due_at <= $2)
       ORDER BY due_at, id LIMIT $3`,
      [districtsOf(principal, filter.districtId), filter.due ?? null, filter.limit],
    )) as Parameters<typeof toCheckInView>[0][];
    return rows.map((r) => toCheckInView(r, now));
  }
}
