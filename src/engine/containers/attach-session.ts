// An attach session as the API sees it: output to stream to the client, stdin to write. A
// session opened before the container starts (docker run attaches first, then starts) waits
// until start connects it to the task, so not a byte of output is missed.

import type { AttachStreams, OutputChunk } from '../../runtime/task-service.js';

export interface AttachSession {
  /** The container's output for this client; ends when the output ends or on close(). */
  readonly output: AsyncIterable<OutputChunk>;
  write(data: Buffer): Promise<void>;
  /** End of the client's stdin: closes the container's stdin. */
  closeStdin(): Promise<void>;
  /** Detach. */
  close(): void;
}

export interface StreamChoice {
  stdout: boolean;
  stderr: boolean;
}

/** A queue of chunks with one consumer; `end()` finishes it. */
export class ChunkQueue implements AsyncIterable<OutputChunk> {
  private readonly items: OutputChunk[] = [];
  private waiter: (() => void) | undefined;
  private ended = false;

  push(c: OutputChunk): void {
    if (this.ended) return;
    this.items.push(c);
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<OutputChunk> {
    for (;;) {
      const next = this.items.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }
}

/**
 * A session that is connected to the task's streams later (at start), or at once when the
 * task runs already. Stdin written before the connection is held and sent on connect.
 */
export class DeferredAttach implements AttachSession {
  private readonly queue = new ChunkQueue();
  private streams: AttachStreams | undefined;
  private pendingStdin: Buffer[] = [];
  private stdinClosed = false;
  private closed = false;
  private readonly onClose: () => void;

  constructor(
    private readonly choice: StreamChoice,
    onClose: () => void = () => undefined,
  ) {
    this.onClose = onClose;
  }

  get output(): AsyncIterable<OutputChunk> {
    return this.queue;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Called once the task exists: pumps its output into this session. */
  async connect(streams: AttachStreams): Promise<void> {
    if (this.closed) {
      streams.close();
      return;
    }
    this.streams = streams;
    for (const b of this.pendingStdin) await streams.write(b);
    this.pendingStdin = [];
    if (this.stdinClosed) await streams.closeStdin();
    void (async () => {
      try {
        for await (const c of streams.output) {
          if ((c.stream === 'stdout' && this.choice.stdout) || (c.stream === 'stderr' && this.choice.stderr)) this.queue.push(c);
        }
      } catch {
        // The monitor went away: the output simply ends.
      } finally {
        this.queue.end();
      }
    })();
  }

  /** Ends the output without a task (the container exited before it could connect). */
  end(): void {
    this.queue.end();
  }

  /** Puts chunks (from the log) ahead of the live output. */
  replay(chunks: OutputChunk[]): void {
    for (const c of chunks) {
      if ((c.stream === 'stdout' && this.choice.stdout) || (c.stream === 'stderr' && this.choice.stderr)) this.queue.push(c);
    }
  }

  async write(data: Buffer): Promise<void> {
    if (this.closed || this.stdinClosed) return;
    if (this.streams) await this.streams.write(data);
    else this.pendingStdin.push(data);
  }

  async closeStdin(): Promise<void> {
    if (this.stdinClosed) return;
    this.stdinClosed = true;
    if (this.streams) await this.streams.closeStdin();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.streams?.close();
    this.queue.end();
    this.onClose();
  }
}
