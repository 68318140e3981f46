// A mount to perform, as data. Snapshotters return these, the runtime puts them into the OCI
// bundle and diff/ applies layers onto them; nobody but the consumer ever mounts them.
//
// Example: an overlay snapshot prepared on two committed layers comes back as
//   { type: 'overlay', source: 'overlay',
//     options: ['index=off', 'lowerdir=/l2:/l1', 'upperdir=/a/fs', 'workdir=/a/work'] }
// and a snapshot without parents as a bind mount of its directory:
//   { type: 'bind', source: '/a/fs', options: ['rbind', 'rw'] }

export interface Mount {
  type: string;
  source: string;
  target?: string;
  options: string[];
}

/** The value of a `key=value` option of a mount (e.g. `upperdir`), if present. */
export function mountOption(m: Mount, key: string): string | undefined {
  const prefix = `${key}=`;
  const opt = m.options.find((o) => o.startsWith(prefix));
  return opt === undefined ? undefined : opt.slice(prefix.length);
}
