// docker/cli's ForwardAllSignals: while attached without a TTY (`run`, `start -a`, `attach`
// with --sig-proxy), the signals the CLI receives go to the container as
// `POST /containers/{id}/kill?signal=NAME`, by name without `SIG`. Go catches every signal but
// CHLD, PIPE and URG; Node cannot catch KILL, STOP, SEGV, BUS, FPE or ILL, SIGUSR1 belongs to
// its debugger and SIGPROF to its profiler (a handler removed later would leave SIGPROF fatal),
// so those are not forwarded.

import { constants } from 'node:os';

const FORWARDED: NodeJS.Signals[] = [
  'SIGHUP',
  'SIGINT',
  'SIGQUIT',
  'SIGTERM',
  'SIGUSR2',
  'SIGALRM',
  'SIGWINCH',
  'SIGCONT',
  'SIGTSTP',
  'SIGTTIN',
  'SIGTTOU',
  'SIGVTALRM',
  'SIGXCPU',
  'SIGXFSZ',
  'SIGIO',
  'SIGPWR',
  'SIGSYS',
];

/** Catches the signals and hands each name (`INT`) to send; returns the function that stops. */
export function forwardSignals(send: (name: string) => void): () => void {
  const known = FORWARDED.filter((sig) => constants.signals[sig] !== undefined);
  const handlers = known.map((sig) => {
    const handler = (): void => send(sig.slice(3));
    process.on(sig, handler);
    return [sig, handler] as const;
  });
  return () => {
    for (const [sig, handler] of handlers) process.off(sig, handler);
  };
}
