// The engine's event log for `docker events`: services publish, the API streams. A bounded
// ring of recent events serves `since` replays, as moby keeps its last events in memory.

import { EventEmitter } from 'node:events';

export type EventType = 'container' | 'image' | 'network' | 'volume' | 'daemon' | 'builder';

export interface EngineEvent {
  type: EventType;
  action: string;
  actor: { id: string; attributes: Record<string, string> };
  scope: 'local';
  /** Nanoseconds since the Unix epoch. */
  timeNano: bigint;
}

export type EventInput = Omit<EngineEvent, 'scope' | 'timeNano'>;

export interface EventSubscription extends AsyncIterable<EngineEvent> {
  close(): void;
}

const DEFAULT_CAPACITY = 1024;

export class EventBus {
  private readonly ring: EngineEvent[] = [];
  private readonly emitter = new EventEmitter();
  private lastNano = 0n;

  constructor(private readonly capacity = DEFAULT_CAPACITY) {
    this.emitter.setMaxListeners(0);
  }

  publish(input: EventInput): EngineEvent {
    // Strictly increasing timestamps keep `since`/`until` replays exact.
    let now = BigInt(Date.now()) * 1_000_000n;
    if (now <= this.lastNano) now = this.lastNano + 1n;
    this.lastNano = now;
    const ev: EngineEvent = { ...input, scope: 'local', timeNano: now };
    this.ring.push(ev);
    if (this.ring.length > this.capacity) this.ring.shift();
    this.emitter.emit('event', ev);
    return ev;
  }

  /** Stored events with since ≤ time ≤ until (nanoseconds; undefined = unbounded), as moby. */
  recent(since?: bigint, until?: bigint): EngineEvent[] {
    return this.ring.filter((e) => (since === undefined || e.timeNano >= since) && (until === undefined || e.timeNano <= until));
  }

  /**
   * Live events from now on, buffered until read. Subscribe before replaying `recent()` so
   * nothing published in between is lost (duplicates are dropped by time).
   */
  subscribe(signal?: AbortSignal): EventSubscription {
    const queue: EngineEvent[] = [];
    let wake: (() => void) | undefined;
    let closed = false;
    const onEvent = (ev: EngineEvent): void => {
      queue.push(ev);
      wake?.();
    };
    const close = (): void => {
      if (closed) return;
      closed = true;
      this.emitter.off('event', onEvent);
      signal?.removeEventListener('abort', close);
      wake?.();
    };
    this.emitter.on('event', onEvent);
    signal?.addEventListener('abort', close, { once: true });
    return {
      close,
      async *[Symbol.asyncIterator]() {
        try {
          for (;;) {
            const ev = queue.shift();
            if (ev !== undefined) {
              yield ev;
              continue;
            }
            if (closed) return;
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            wake = undefined;
          }
        } finally {
          close();
        }
      },
    };
  }
}
