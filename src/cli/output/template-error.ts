// The error of parsing or executing a Go template. The message is Go's text
// (`template: :1: function "foo" not defined`); callers such as the Docker formatter add
// their own prefix.

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(
    readonly phase: 'parse' | 'exec',
    message: string,
  ) {
    super(message);
  }
}
