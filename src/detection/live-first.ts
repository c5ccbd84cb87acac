/**
 * While a live batch is judged ahead in this process, backlog passes stop at their next pause.
 * Both share one thread: each step of the live batch's judging (a query answered, a rule)
 * would otherwise wait for a backlog rule to finish its turn, step after step.
 *
 * Only the live batch's reading and judging hold it: they take no lock that a paused pass could
 * hold, so the two never wait for each other. The pause is bounded all the same (`maxWaitMs`),
 * so that no fault of the live path can stall the backlog.
 */
export class LiveFirst {
  private live = 0;
  private waiting: Array<() => void> = [];

  constructor(private readonly maxWaitMs: number) {}

  /** Runs `work` ahead: passes that pause meanwhile wait until it is done. */
  async ahead<T>(work: () => Promise<T>): Promise<T> {
    this.live += 1;
    try {
      return await work();
    } finally {
      this.live -= 1;
      if (this.live === 0) for (const resume of this.waiting.splice(0)) resume();
    }
  }

  /** Resolves at once when nothing is judged ahead; else once it is done, or after maxWaitMs. */
  clear(): Promise<void> {
    if (this.live === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.maxWaitMs);
      this.waiting.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
