// docker/cli's parallelOperation and the way stop, kill, rm, pause… report it: the operation runs
// for every container (up to 50 at a time), each argument that worked is printed on stdout in
// argument order, and the failures are reported together at the end (exit 1).

import type { Cli } from '../../cli.js';
import { CommandFailure } from '../../program.js';
import { daemonErrorText } from '../daemon-error.js';

const PARALLEL = 50;

export interface ForEachOptions {
  /** Failures that are only reported on stderr (rm -f of a missing container). */
  tolerate?: (err: unknown) => boolean;
}

export async function forEachContainer(cli: Cli, names: readonly string[], op: (name: string) => Promise<void>, opts: ForEachOptions = {}): Promise<void> {
  const results = await mapLimit(names, PARALLEL, async (name) => {
    try {
      await op(name);
      return undefined;
    } catch (err) {
      return { err };
    }
  });
  const errors: string[] = [];
  names.forEach((name, i) => {
    const r = results[i];
    if (!r) cli.out.write(`${name}\n`);
    else if (opts.tolerate?.(r.err)) cli.err.write(`${daemonErrorText(r.err)}\n`);
    else errors.push(daemonErrorText(r.err));
  });
  if (errors.length > 0) throw new CommandFailure(errors.join('\n'), 1);
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
