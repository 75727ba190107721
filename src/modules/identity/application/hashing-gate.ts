/**
 * Bounds concurrent password checks. argon2id costs 64 MiB and tens of milliseconds of CPU per
 * check: unbounded, thirty concurrent bad logins slow every real login (0.2 s → 4.4 s measured).
 * With a gate, `slots` checks run at once, `queueLength` more may wait, and the rest are refused
 * at once so a flood fails fast instead of slowing everyone.
 */
export class HashingGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly slots: number,
    readonly queueLength: number,
  ) {}

  /**
   * Runs `work` in a slot. `mayQueue: false` is for attempts already under suspicion: they take
   * only a free slot, never the last one (when there are several), and never wait — so they
   * cannot fill the queue others wait in, and a freed slot goes to a waiting login first.
   * Returns `{ ran: false }` when refused.
   */
  async run<T>(
    work: () => Promise<T>,
    mayQueue: boolean,
  ): Promise<{ ran: true; value: T } | { ran: false }> {
    if (!mayQueue && this.active >= Math.max(1, this.slots - 1)) return { ran: false };
    if (this.active >= this.slots) {
      if (!mayQueue || this.waiting.length >= this.queueLength) return { ran: false };
      // The releasing caller hands its slot over, so `active` stays counted.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active += 1;
    }
    try {
      return { ran: true, value: await work() };
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }

  get inUse(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }
}
