import { SingleFlight } from './single-flight';

const ticks = async (n: number) => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};

describe('SingleFlight', () => {
  it('never loses a wake(): one arriving at any microtask after a run began causes one more run', async () => {
    for (let k = 0; k < 12; k++) {
      let runs = 0;
      const errors: unknown[] = [];
      const sf = new SingleFlight(
        async () => {
          runs += 1;
        },
        () => false,
        (e) => errors.push(e),
      );
      sf.wake();
      await ticks(k);
      sf.wake();
      await sf.idle();
      await new Promise((r) => setTimeout(r, 0));
      await sf.idle();
      expect({ k, runs }).toEqual({ k, runs: 2 });
      expect(errors).toEqual([]);
    }
  });

  it('runs one body at a time and folds wakes during a run into one more run', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    const sf = new SingleFlight(
      async () => {
        running += 1;
        most = Math.max(most, running);
        runs += 1;
        await new Promise((r) => setTimeout(r, 5));
        running -= 1;
      },
      () => false,
      () => undefined,
    );
    sf.wake();
    sf.wake();
    sf.wake();
    await sf.idle();
    expect({ most, runs }).toEqual({ most: 1, runs: 2 });
  });

  it('reports a failing body and keeps serving wakes', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const sf = new SingleFlight(
      async () => {
        runs += 1;
        if (runs === 1) throw new Error('boom');
      },
      () => false,
      (e) => errors.push(e),
    );
    sf.wake();
    await sf.idle();
    sf.wake();
    await sf.idle();
    expect(runs).toBe(2);
    expect(errors).toEqual([new Error('boom')]);
  });
});
