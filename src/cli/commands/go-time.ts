// Timestamps as the docker CLI prints them with Go's time layouts, in the local time zone
// (Go's time.Local): RFC 3339 (`history -H=false`), RFC 3339 with fixed nanoseconds
// (`events`), ANSI C (`version`'s Built) and time.Time.String (`images`/`ps` CreatedAt).

const two = (n: number): string => String(n).padStart(2, '0');

function zone(offsetMinutes: number, z: boolean): string {
  if (offsetMinutes === 0 && z) return 'Z';
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${sign}${two(Math.trunc(abs / 60))}:${two(abs % 60)}`;
}

function localDate(d: Date): string {
  return `${String(d.getFullYear()).padStart(4, '0')}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

function localClock(d: Date): string {
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** time.Unix(s, 0).Format(time.RFC3339): `2024-05-01T10:00:00Z`, `2024-05-01T12:00:00+02:00`. */
export function formatRfc3339(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  return `${localDate(d)}T${localClock(d)}${zone(-d.getTimezoneOffset(), true)}`;
}

/** Layout `2006-01-02T15:04:05.000000000Z07:00` (docker's rfc3339NanoFixed) of Unix nanoseconds. */
export function formatRfc3339NanoFixed(unixNanos: bigint): string {
  let seconds = unixNanos / 1_000_000_000n;
  let nanos = unixNanos % 1_000_000_000n;
  if (nanos < 0n) {
    nanos += 1_000_000_000n;
    seconds -= 1n;
  }
  const d = new Date(Number(seconds) * 1000);
  return `${localDate(d)}T${localClock(d)}.${String(nanos).padStart(9, '0')}${zone(-d.getTimezoneOffset(), true)}`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const RFC3339_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * docker version's reformatDate: an RFC 3339 time in ANSI C layout (`Mon Jan _2 15:04:05 2006`)
 * in the time's own zone; anything else is returned unchanged.
 */
export function reformatDate(value: string): string {
  const m = RFC3339_RE.exec(value);
  if (!m) return value;
  const [, y, mo, d, h, mi, s, , sign, oh, om] = m;
  const offset = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) : 0;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offset * 60_000;
  if (Number.isNaN(utc)) return value;
  // The wall clock of the time's own zone, read through UTC getters.
  const wall = new Date(utc + offset * 60_000);
  return `${DAYS[wall.getUTCDay()]} ${MONTHS[wall.getUTCMonth()]} ${String(wall.getUTCDate()).padStart(2, ' ')} ${two(wall.getUTCHours())}:${two(wall.getUTCMinutes())}:${two(wall.getUTCSeconds())} ${wall.getUTCFullYear()}`;
}

/** Go's time.Time.String() in local time: `2024-05-01 10:00:00 +0200 CEST` (zone name omitted). */
export function goTimeString(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const zone = `${off < 0 ? '-' : '+'}${two(Math.trunc(Math.abs(off) / 60))}${two(Math.abs(off) % 60)}`;
  const name = off === 0 ? ' UTC' : '';
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${zone}${name}`;
}
