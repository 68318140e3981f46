// Parses the `WWW-Authenticate` header of a registry's 401 (RFC 7235 challenges) into the
// scheme and its parameters: `Bearer realm="https://auth.docker.io/token",service="…",scope="…"`
// says where to get a token; `Basic realm="…"` asks for the credentials on every request.

export interface AuthChallenge {
  /** Lower case: `bearer`, `basic`. */
  scheme: string;
  params: Record<string, string>;
}

/** Every challenge in the header, in order; malformed parts are skipped. */
export function parseWwwAuthenticate(header: string | string[] | undefined): AuthChallenge[] {
  if (header === undefined) return [];
  const values = Array.isArray(header) ? header : [header];
  const out: AuthChallenge[] = [];
  for (const value of values) out.push(...parseOne(value));
  return out;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

function parseOne(s: string): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  let i = 0;
  let current: AuthChallenge | undefined;
  const skipSpace = (): void => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  while (i < s.length) {
    skipSpace();
    if (s[i] === ',') {
      i++;
      continue;
    }
    const m = TOKEN.exec(s.slice(i));
    if (!m) break;
    const word = m[0];
    i += word.length;
    skipSpace();
    if (s[i] === '=' && current) {
      // An auth-param of the current challenge.
      i++;
      skipSpace();
      let value = '';
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++;
          value += s[i];
          i++;
        }
        i++;
      } else {
        const v = TOKEN.exec(s.slice(i));
        value = v ? v[0] : '';
        i += value.length;
      }
      current.params[word.toLowerCase()] = value;
      continue;
    }
    // A new challenge starts with its scheme.
    current = { scheme: word.toLowerCase(), params: {} };
    out.push(current);
  }
  return out;
}
