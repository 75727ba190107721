import { Clock } from '@app/kz';

/** A clock that only moves when told to. */
export class FakeClock extends Clock {
  private current: Date;

  constructor(start: Date | string = '2026-11-22T10:00:00.000Z') {
    super();
    this.current = new Date(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  set(at: Date | string): void {
    this.current = new Date(at);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
