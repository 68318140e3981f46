// docker/cli's MonitorTtySize (tty.go): tells the daemon the terminal's size right after start
// (retrying ten times with a growing pause, then `failed to resize tty, using default size`),
// and again whenever the terminal is resized.

import type { OutputStream } from '../../cli.js';

export type ResizeFn = (size: { height: number; width: number }) => Promise<void>;

/** The terminal's size as docker's GetTtySize reads it: 0×0 when out is not a terminal. */
export function ttySize(out: OutputStream): { height: number; width: number } {
  if (!out.isTTY) return { height: 0, width: 0 };
  return { height: out.rows ?? 0, width: out.columns ?? 0 };
}

/** Resizes now and on every 'resize' of out; returns the function that stops watching. */
export function monitorTtySize(out: OutputStream, err: OutputStream, resize: ResizeFn): () => void {
  let stopped = false;
  const resizeNow = (): Promise<boolean> => {
    const size = ttySize(out);
    if (size.height === 0 && size.width === 0) return Promise.resolve(true);
    return resize(size).then(
      () => true,
      () => false,
    );
  };
  void (async () => {
    if (await resizeNow()) return;
    for (let retry = 0; retry < 10; retry++) {
      await new Promise((r) => setTimeout(r, (retry + 1) * 10));
      if (stopped) return;
      if (await resizeNow()) return;
    }
    if (!stopped) err.write('failed to resize tty, using default size\n');
  })();
  const onResize = (): void => void resizeNow();
  out.on('resize', onResize);
  return () => {
    stopped = true;
    out.off('resize', onResize);
  };
}
