import { HashingGate } from './hashing-gate';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('HashingGate', () => {
  it('runs up to `slots` at once, queues up to `queueLength`, refuses the rest at once', async () => {
    const gate = new HashingGate(2, 1);
    const work = [deferred(), deferred(), deferred()];
    const running = work.map((w) => gate.run(() => w.promise, true));
    expect(gate.inUse).toBe(2);
    expect(gate.queued).toBe(1);
    expect(await gate.run(async () => 'late', true)).toEqual({ ran: false });
    work.forEach((w) => w.resolve());
    expect((await Promise.all(running)).every((r) => r.ran)).toBe(true);
    expect(gate.inUse).toBe(0);
    expect(await gate.run(async () => 'again', true)).toEqual({ ran: true, value: 'again' });
  });

  it('never queues work that may not wait', async () => {
    const gate = new HashingGate(1, 5);
    const held = deferred();
    const first = gate.run(() => held.promise, true);
    expect(await gate.run(async () => 1, false)).toEqual({ ran: false });
    expect(gate.queued).toBe(0);
    held.resolve();
    await first;
    expect(await gate.run(async () => 2, false)).toEqual({ ran: true, value: 2 });
  });

  it('keeps the last free slot for work that may wait', async () => {
    const gate = new HashingGate(3, 1);
    const held = [deferred(), deferred()];
    const running = held.map((h) => gate.run(() => h.promise, false));
    expect(gate.inUse).toBe(2);
    expect(await gate.run(async () => 'suspect', false)).toEqual({ ran: false });
    expect(await gate.run(async () => 'colleague', true)).toEqual({
      ran: true,
      value: 'colleague',
    });
    held.forEach((h) => h.resolve());
    await Promise.all(running);
  });

  it('hands a freed slot to a waiting login before a suspect can take it', async () => {
    const gate = new HashingGate(1, 1);
    const first = deferred();
    const running = gate.run(() => first.promise, true);
    const waiting = gate.run(async () => 'waited', true);
    first.resolve();
    await running;
    expect(gate.inUse).toBe(1);
    expect(await gate.run(async () => 'suspect', false)).toEqual({ ran: false });
    expect(await waiting).toEqual({ ran: true, value: 'waited' });
  });

  it('frees the slot when the work throws', async () => {
    const gate = new HashingGate(1, 0);
    await expect(gate.run(() => Promise.reject(new Error('boom')), true)).rejects.toThrow('boom');
    expect(gate.inUse).toBe(0);
  });
});
