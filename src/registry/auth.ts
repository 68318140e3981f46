// Who may do what. Three modes: none (everyone may do everything), htpasswd (HTTP basic auth
// against an htpasswd file of bcrypt hashes) and token (clients get a bearer token from the
// registry's own token endpoint, as Docker Hub's auth server hands them out, and present it on
// every request). In both auth modes an access list decides which account may pull, push or
// delete in which repositories.
//
// Order of a token-mode exchange: request without a token → 401 with
// `WWW-Authenticate: Bearer realm=…,service=…,scope=repository:<name>:pull` → the client calls
// the realm with basic credentials and the scope → it gets a signed token granting the subset
// of the scope the account may have → it repeats the request with `Authorization: Bearer …`.

import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { compare as bcryptCompare } from 'bcryptjs';

export type AuthMode = 'none' | 'htpasswd' | 'token';
export type Action = 'pull' | 'push' | 'delete' | '*';

/** One scope a request needs: `repository:<name>:pull,push` or `registry:catalog:*`. */
export interface Access {
  type: 'repository' | 'registry';
  name: string;
  actions: string[];
}

/** A rule of the access list: `account` is a user name, `*` (any signed-in user) or `anonymous`. */
export interface AccessRule {
  account: string;
  /** A repository name, or a pattern where `*` matches any characters (`team/*`, `*`). */
  repository: string;
  actions: Action[];
}

/** Without an access list, signed-in users may do everything and anonymous users nothing. */
export const DEFAULT_ACCESS: AccessRule[] = [{ account: '*', repository: '*', actions: ['pull', 'push', 'delete'] }];

export type AuthDecision =
  | { ok: true; account: string | undefined }
  | { ok: false; code: 'UNAUTHORIZED' | 'DENIED'; challenge?: string; message: string };

export interface Authorizer {
  readonly mode: AuthMode;
  /** Decides on a request that needs `access` (none for `/v2/`), given its Authorization header. */
  authorize(authorization: string | undefined, access: Access | undefined, realm: string): Promise<AuthDecision>;
}

export interface TokenOptions {
  /** The `service` clients name in token requests and the token's audience. */
  service: string;
  issuer: string;
  /** HMAC key signing tokens; a random one (tokens die with the process) when absent. */
  secret?: Buffer;
  expiresInSeconds: number;
}

export class Htpasswd {
  private readonly hashes = new Map<string, string>();
  /** Successful checks, keyed by user and a hash of the password: bcrypt costs ~0.1 s in JS. */
  private readonly verified = new Set<string>();

  constructor(text: string) {
    for (const line of text.split('\n')) {
      const t = line.trim();
      const i = t.indexOf(':');
      if (t === '' || t.startsWith('#') || i < 1) continue;
      this.hashes.set(t.slice(0, i), t.slice(i + 1));
    }
  }

  static load(path: string): Htpasswd {
    return new Htpasswd(readFileSync(path, 'utf8'));
  }

  /** Only bcrypt entries count (`htpasswd -B`); others never match. */
  async verify(user: string, password: string): Promise<boolean> {
    const hash = this.hashes.get(user);
    if (hash === undefined || !/^\$2[aby]\$/.test(hash)) return false;
    const key = `${user}\0${createHash('sha256').update(password).digest('hex')}`;
    if (this.verified.has(key)) return true;
    const ok = await bcryptCompare(password, hash);
    if (ok) this.verified.add(key);
    return ok;
  }
}

export function parseBasic(authorization: string | undefined): { user: string; password: string } | undefined {
  if (!authorization || !/^basic /i.test(authorization)) return undefined;
  const text = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
  const i = text.indexOf(':');
  if (i < 0) return undefined;
  return { user: text.slice(0, i), password: text.slice(i + 1) };
}

/** `repository:a/b:pull,push` → Access; the name may not hold `:`, the actions are after the last one. */
export function parseScope(scope: string): Access | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return undefined;
  const type = scope.slice(0, first);
  if (type !== 'repository' && type !== 'registry') return undefined;
  return { type, name: scope.slice(first + 1, last), actions: scope.slice(last + 1).split(',').filter(Boolean) };
}

export function formatScope(a: Access): string {
  return `${a.type}:${a.name}:${a.actions.join(',')}`;
}

function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(name);
}

/** The actions of `wanted` that `account` (undefined: anonymous) may have. */
export function grantedActions(rules: AccessRule[], account: string | undefined, wanted: Access): string[] {
  const allowed = new Set<string>();
  for (const r of rules) {
    const who = account === undefined ? r.account === 'anonymous' : r.account === '*' || r.account === account;
    if (!who) continue;
    if (wanted.type === 'registry') {
      // The catalog lists every repository: only an account that may pull everything sees it.
      if (r.repository === '*' && (r.actions.includes('pull') || r.actions.includes('*'))) allowed.add('*');
      continue;
    }
    if (!globMatch(r.repository, wanted.name)) continue;
    for (const a of r.actions) {
      if (a === '*') ['pull', 'push', 'delete', '*'].forEach((x) => allowed.add(x));
      else allowed.add(a);
    }
  }
  return wanted.actions.filter((a) => allowed.has(a));
}

const covers = (granted: string[], needed: string[]): boolean => needed.every((a) => granted.includes(a));

export class NoAuth implements Authorizer {
  readonly mode = 'none';
  async authorize(): Promise<AuthDecision> {
    return { ok: true, account: undefined };
  }
}

export class BasicAuthorizer implements Authorizer {
  readonly mode = 'htpasswd';

  constructor(
    private readonly users: Htpasswd,
    private readonly rules: AccessRule[],
    private readonly realm: string,
  ) {}

  async authorize(authorization: string | undefined, access: Access | undefined): Promise<AuthDecision> {
    const challenge = `Basic realm="${this.realm}"`;
    const creds = parseBasic(authorization);
    let account: string | undefined;
    if (creds) {
      if (!(await this.users.verify(creds.user, creds.password))) {
        return { ok: false, code: 'UNAUTHORIZED', challenge, message: 'authentication required' };
      }
      account = creds.user;
    }
    if (access === undefined || covers(grantedActions(this.rules, account, access), access.actions)) {
      if (account !== undefined || access !== undefined) return { ok: true, account };
    }
    if (account === undefined) return { ok: false, code: 'UNAUTHORIZED', challenge, message: 'authentication required' };
    return { ok: false, code: 'DENIED', message: 'requested access to the resource is denied' };
  }
}

interface TokenClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  access: Access[];
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

/** Issues and checks HS256 JSON web tokens. Clients treat the token as opaque. */
export class TokenAuthorizer implements Authorizer {
  readonly mode = 'token';
  private readonly secret: Buffer;

  constructor(
    private readonly users: Htpasswd,
    private readonly rules: AccessRule[],
    private readonly opts: TokenOptions,
  ) {
    this.secret = opts.secret ?? randomBytes(32);
  }

  get service(): string {
    return this.opts.service;
  }

  /**
   * The token endpoint: checks optional basic credentials and grants, for each requested scope,
   * the actions the access list allows (possibly none: the spec grants a smaller token rather
   * than refusing). Undefined means the credentials were wrong.
   */
  async issue(
    authorization: string | undefined,
    scopes: string[],
    creds?: { user: string; password: string },
  ): Promise<{ token: string; expiresIn: number; issuedAt: string } | undefined> {
    const c = creds ?? parseBasic(authorization);
    let account: string | undefined;
    if (c) {
      if (!(await this.users.verify(c.user, c.password))) return undefined;
      account = c.user;
    }
    const access: Access[] = [];
    for (const s of scopes) {
      const wanted = parseScope(s);
      if (!wanted) continue;
      access.push({ ...wanted, actions: grantedActions(this.rules, account, wanted) });
    }
    const now = Math.floor(Date.now() / 1000);
    const claims: TokenClaims = {
      iss: this.opts.issuer,
      sub: account ?? '',
      aud: this.opts.service,
      exp: now + this.opts.expiresInSeconds,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access,
    };
    const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const body = b64url(JSON.stringify(claims));
    const sig = createHmac('sha256', this.secret).update(`${head}.${body}`).digest('base64url');
    return { token: `${head}.${body}.${sig}`, expiresIn: this.opts.expiresInSeconds, issuedAt: new Date(now * 1000).toISOString() };
  }

  verify(token: string): TokenClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const want = createHmac('sha256', this.secret).update(`${parts[0]}.${parts[1]}`).digest();
    const got = Buffer.from(parts[2]!, 'base64url');
    if (got.length !== want.length || !timingSafeEqual(got, want)) return undefined;
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return undefined;
    }
    const now = Math.floor(Date.now() / 1000);
    if (claims.aud !== this.opts.service || claims.exp < now || claims.nbf > now) return undefined;
    return claims;
  }

  async authorize(authorization: string | undefined, access: Access | undefined, realm: string): Promise<AuthDecision> {
    let challenge = `Bearer realm="${realm}",service="${this.opts.service}"`;
    if (access) challenge += `,scope="${formatScope(access)}"`;
    const token = authorization && /^bearer /i.test(authorization) ? authorization.slice(7).trim() : undefined;
    const claims = token ? this.verify(token) : undefined;
    if (!claims) return { ok: false, code: 'UNAUTHORIZED', challenge, message: 'authentication required' };
    if (access === undefined) return { ok: true, account: claims.sub || undefined };
    const granted = claims.access
      .filter((a) => a.type === access.type && a.name === access.name)
      .flatMap((a) => a.actions);
    if (covers(granted, access.actions)) return { ok: true, account: claims.sub || undefined };
    return {
      ok: false,
      code: 'UNAUTHORIZED',
      challenge: `${challenge},error="insufficient_scope"`,
      message: 'authentication required',
    };
  }
}
