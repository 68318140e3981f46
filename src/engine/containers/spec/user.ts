// `--user` and `--group-add` resolved against the container's own /etc/passwd and /etc/group,
// as runc and moby do it (moby/sys/user GetExecUser and GetAdditionalGroups): names are looked
// up, numbers are taken as they are (with or without an entry), the first matching line wins.
// The caller reads the two files from the container's root filesystem and passes their text
// (undefined when a file is missing); this module never touches the disk.

import { invalidArgument } from '../../../core/errors.js';

export interface ResolvedUser {
  uid: number;
  gid: number;
  /** The primary gid first, then the user's groups from /etc/group, then --group-add (moby's order). */
  additionalGids: number[];
  /** From the user's passwd entry; `/` when there is none (runc's default). */
  home: string;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

const MAX_ID = 2 ** 31 - 1;
const RANGE_ERROR = `uids and gids must be in range 0-${MAX_ID}`;

/** Go's strconv.Atoi on the digits we care about: an optional sign, then decimal digits. */
function atoi(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}

/** Like moby's parser: a field that is not a number reads as 0. */
function numberField(s: string | undefined): number {
  return atoi(s ?? '') ?? 0;
}

function parsePasswd(text: string | undefined): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const raw of (text ?? '').split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const [name = '', , uid, gid, , home = ''] = line.split(':');
    out.push({ name, uid: numberField(uid), gid: numberField(gid), home });
  }
  return out;
}

function parseGroup(text: string | undefined): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const raw of (text ?? '').split('\n')) {
    const line = raw.trim();
    // The group parser, unlike the passwd one, follows glibc and skips comments.
    if (line === '' || line.startsWith('#')) continue;
    const [name = '', , gid, list = ''] = line.split(':');
    out.push({ name, gid: numberField(gid), members: list === '' ? [] : list.split(',') });
  }
  return out;
}

function checkRange(id: number): number {
  if (id < 0 || id > MAX_ID) throw invalidArgument(RANGE_ERROR);
  return id;
}

/**
 * Resolves `user[:group]` (names or numbers; empty is root) and `--group-add` entries. Throws
 * runc's words: `unable to find user foo: no matching entries in passwd file`,
 * `unable to find group bar: no matching entries in group file`.
 */
export function resolveUser(
  userSpec: string,
  groupAdd: readonly string[],
  passwdText: string | undefined,
  groupText: string | undefined,
): ResolvedUser {
  const [userArg = '', groupArg = ''] = userSpec.split(':');
  const uidArg = atoi(userArg);
  const gidArg = atoi(groupArg);
  const users = parsePasswd(passwdText);
  const groups = parseGroup(groupText);

  let uid = 0;
  let gid = 0;
  let home = '';
  let matchedName: string | undefined;
  const match = users.find((u) => (userArg === '' ? u.uid === 0 : uidArg !== undefined ? u.uid === uidArg : u.name === userArg));
  if (match) {
    matchedName = match.name;
    uid = match.uid;
    gid = match.gid;
    home = match.home;
  } else if (userArg !== '') {
    if (uidArg === undefined) throw invalidArgument(`unable to find user ${userArg}: no matching entries in passwd file`);
    uid = checkRange(uidArg);
  }

  let supplementary: number[] = [];
  if (groupArg !== '') {
    const g = groups.find((e) => (gidArg !== undefined ? e.gid === gidArg : e.name === groupArg));
    if (g) gid = g.gid;
    else if (gidArg === undefined) throw invalidArgument(`unable to find group ${groupArg}: no matching entries in group file`);
    else gid = checkRange(gidArg);
  } else if (matchedName !== undefined) {
    // Supplementary groups only come with the implicit form (`-u name`, not `-u name:group`).
    const name = matchedName;
    supplementary = groups.filter((e) => e.members.includes(name)).map((e) => e.gid);
  }

  return { uid, gid, additionalGids: [gid, ...supplementary, ...additionalGroups(groupAdd, groups)], home: home || '/' };
}

/** --group-add: names must exist in /etc/group; numbers need not. Duplicates are dropped. */
function additionalGroups(requested: readonly string[], groups: readonly GroupEntry[]): number[] {
  const out: number[] = [];
  for (const ag of requested) {
    const g = groups.find((e) => e.name === ag || String(e.gid) === ag);
    let gid: number;
    if (g) gid = g.gid;
    else {
      const n = atoi(ag);
      if (n === undefined) throw invalidArgument(`Unable to find group ${ag}: no matching entries in group file`);
      gid = checkRange(n);
    }
    if (!out.includes(gid)) out.push(gid);
  }
  return out;
}
