// docker's prompt.Confirm: writes `<message> [y/N] ` to stdout and reads one line from stdin;
// only `y` or `Y` (surrounding spaces ignored) is a yes. End of input is a no.

import type { Cli } from '../cli.js';

export async function confirm(cli: Pick<Cli, 'in' | 'out'>, message: string): Promise<boolean> {
  cli.out.write(`${message} [y/N] `);
  const line = await readLine(cli.in);
  return line !== undefined && line.trim().toLowerCase() === 'y';
}

/** The first line of `input` without its newline, or undefined at end of input. */
async function readLine(input: Cli['in']): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    const done = (line: string | undefined): void => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onError);
      // Stop reading so a terminal stdin does not keep the process alive.
      input.pause();
      resolve(line);
    };
    const onData = (chunk: Buffer | string): void => {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      const nl = buf.indexOf(0x0a);
      if (nl < 0) {
        chunks.push(buf);
        return;
      }
      chunks.push(buf.subarray(0, nl));
      done(Buffer.concat(chunks).toString('utf8').replace(/\r$/, ''));
    };
    const onEnd = (): void => done(chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : undefined);
    const onError = (err: Error): void => {
      input.off('data', onData);
      input.off('end', onEnd);
      reject(err);
    };
    input.on('data', onData);
    input.once('end', onEnd);
    input.once('error', onError);
  });
}
