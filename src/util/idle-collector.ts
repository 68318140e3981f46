// One full garbage collection once the daemon has been quiet for a moment after a big
// transfer. A 160 MB load or pull leaves tens of MiB of garbage behind (the layers' buffers,
// held as external memory), which V8 collects only under allocation pressure; an idle daemon
// has none, so its RSS stayed anywhere between 65 and 110 MiB after the same load depending on
// when the last collection happened to run (docs/performance.md). Needs `gc` (berthd runs with
// --expose-gc); without it this does nothing.
//
// Example:
//   const collector = new IdleCollector(globalThis.gc);
//   const done = collector.begin();
//   try { await pull(); } finally { done(); }

/** How long nothing heavy must run before the collection. */
const QUIET_MS = 2_000;

export class IdleCollector {
  private busy = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly gc: (() => void) | undefined,
    private readonly quietMs = QUIET_MS,
  ) {}

  /** Marks a heavy operation as running; call the returned function (once) when it ends. */
  begin(): () => void {
    this.busy++;
    this.cancel();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.busy--;
      if (this.busy === 0) this.arm();
    };
  }

  /** Runs `fn` as a heavy operation. */
  async around<T>(fn: () => Promise<T>): Promise<T> {
    const done = this.begin();
    try {
      return await fn();
    } finally {
      done();
    }
  }

  private arm(): void {
    if (this.gc === undefined) return;
    const gc = this.gc;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.busy === 0) gc();
    }, this.quietMs);
    this.timer.unref();
  }

  private cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
