// One error taxonomy for the whole engine. Code throws an EngineError with a kind;
// exactly one place (server/errors.ts) turns a kind into an HTTP status.

export type ErrorKind =
  | 'invalid-argument'
  | 'unauthenticated'
  | 'permission-denied'
  | 'not-found'
  | 'already-exists'
  | 'conflict'
  | 'not-modified'
  | 'not-implemented'
  | 'unavailable'
  | 'canceled'
  | 'internal'
  | 'data-loss';

export const ERROR_KINDS: readonly ErrorKind[] = [
  'invalid-argument',
  'unauthenticated',
  'permission-denied',
  'not-found',
  'already-exists',
  'conflict',
  'not-modified',
  'not-implemented',
  'unavailable',
  'canceled',
  'internal',
  'data-loss',
];

export class EngineError extends Error {
  readonly kind: ErrorKind;

  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineError';
    this.kind = kind;
  }
}

export function isEngineError(err: unknown): err is EngineError {
  return err instanceof EngineError;
}

/** The kind of any thrown value: follows `cause` chains, maps AbortError and errno codes. */
export function kindOf(err: unknown): ErrorKind {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    if (e instanceof EngineError) return e.kind;
    if (e instanceof Error) {
      if (e.name === 'AbortError') return 'canceled';
      const code = (e as NodeJS.ErrnoException).code;
      switch (code) {
        case 'ENOENT':
          return 'not-found';
        case 'EEXIST':
        case 'ENOTEMPTY':
          return 'already-exists';
        case 'EACCES':
        case 'EPERM':
          return 'permission-denied';
        case 'ABORT_ERR':
          return 'canceled';
        default:
          break;
      }
      e = e.cause;
      continue;
    }
    break;
  }
  return 'internal';
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

// Helpers named for the Docker message they produce: clients and scripts match on these words.

export function noSuchImage(ref: string): EngineError {
  return new EngineError('not-found', `No such image: ${ref}`);
}

export function noSuchContainer(ref: string): EngineError {
  return new EngineError('not-found', `No such container: ${ref}`);
}

export function invalidArgument(message: string, cause?: unknown): EngineError {
  return new EngineError('invalid-argument', message, { cause });
}

export function conflict(message: string, cause?: unknown): EngineError {
  return new EngineError('conflict', message, { cause });
}

export function notFound(message: string, cause?: unknown): EngineError {
  return new EngineError('not-found', message, { cause });
}

export function internal(message: string, cause?: unknown): EngineError {
  return new EngineError('internal', message, { cause });
}

export function dataLoss(message: string, cause?: unknown): EngineError {
  return new EngineError('data-loss', message, { cause });
}

export function alreadyExists(message: string, cause?: unknown): EngineError {
  return new EngineError('already-exists', message, { cause });
}

export function canceled(message = 'operation canceled'): EngineError {
  return new EngineError('canceled', message);
}
