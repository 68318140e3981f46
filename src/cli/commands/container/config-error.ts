// An option combination that run/create refuse (`conflicting options: …`): docker prints it as
// `docker: <message>` with a pointer to --help and exits 125.

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
