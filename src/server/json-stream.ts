// Docker's JSON message stream (pull, push, load, import, build): one JSON object per line,
// `\r\n`-terminated as moby writes them. Errors after the 200 went out travel in-band with both
// `errorDetail` (what the Go CLI reads) and `error` (what older clients read).

import type { ServerResponse } from 'node:http';
import { errorMessage } from '../core/errors.js';
import type { ProgressEvent } from '../core/progress.js';
import { renderProgress } from '../util/progress-bar.js';

/** Progress for one id is sent at most this often; the final one always goes out. */
const PROGRESS_INTERVAL_MS = 100;

export class JsonMessageWriter {
  private readonly lastProgress = new Map<string, number>();

  constructor(private readonly res: ServerResponse) {}

  write(ev: ProgressEvent): void {
    if ('stream' in ev) {
      this.line({ stream: ev.stream });
      return;
    }
    if ('aux' in ev) {
      this.line({ progressDetail: {}, aux: ev.aux });
      return;
    }
    const msg: Record<string, unknown> = { status: ev.status };
    if (ev.current !== undefined) {
      const key = `${ev.id ?? ''}\0${ev.status}`;
      const now = Date.now();
      const last = this.lastProgress.get(key) ?? 0;
      const finished = ev.total !== undefined && ev.current >= ev.total;
      if (!finished && now - last < PROGRESS_INTERVAL_MS) return;
      this.lastProgress.set(key, now);
      const detail: Record<string, number> = { current: ev.current };
      if (ev.total !== undefined && ev.total > 0) detail.total = ev.total;
      msg.progressDetail = detail;
      msg.progress = renderProgress({ current: ev.current, total: ev.total ?? 0 });
    } else if (ev.id !== undefined) {
      msg.progressDetail = {};
    }
    if (ev.id !== undefined) msg.id = ev.id;
    this.line(msg);
  }

  writeError(err: unknown, code?: number): void {
    const message = errorMessage(err);
    const detail: Record<string, unknown> = { message };
    if (code !== undefined) detail.code = code;
    this.line({ errorDetail: detail, error: message });
  }

  private line(obj: unknown): void {
    if (this.res.writableEnded || this.res.destroyed) return;
    this.res.write(`${JSON.stringify(obj)}\r\n`);
  }
}
