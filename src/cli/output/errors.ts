// The errors of the output code that program.ts maps to exit codes, apart from the formatting
// and rendering code that throws them: the program checks for them without loading that code.

/** A --format failure; the CLI exits with exitCode (docker uses 64 for inspect parse errors). */
export class FormatError extends Error {
  override readonly name = 'FormatError';
  constructor(
    message: string,
    readonly exitCode: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** An in-band error (errorDetail). `code` defaults to 1; `docker build` exits with it. */
export class JsonMessageError extends Error {
  override readonly name = 'JsonMessageError';
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}
