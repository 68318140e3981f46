// File errors in the words the Go CLI prints them (`open /x: no such file or directory`)
// rather than Node's (`ENOENT: no such file or directory, open '/x'`).

/** Go's *PathError text for a Node file-system error; other errors give their message. */
export function goPathError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as NodeJS.ErrnoException;
  const m = /^[A-Z0-9]+: (.*?), (\w+)(?: '.*')?$/.exec(e.message);
  if (!m || e.path === undefined) return e.message;
  return `${e.syscall ?? m[2]} ${e.path}: ${m[1]}`;
}
