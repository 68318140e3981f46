// The container's own mounts from `-v SRC:DST[:OPTS]` (HostConfig.Binds) and `--mount`
// (HostConfig.Mounts), parsed by the rules of moby's Linux mount parser, as a pure function:
// bind mounts of host paths and tmpfs mounts become OCI mounts; named and anonymous volumes
// become volume requests, which the container service resolves to volumes (engine/volumes).
//
// Example:
//   planMounts(['/srv/data:/data:ro'], []) →
//     { mounts: [{ destination: '/data', type: 'bind', source: '/srv/data', options: ['rbind', 'rprivate', 'ro'] }],
//       createSources: ['/srv/data'], points: [{ type: 'bind', source: '/srv/data', destination: '/data', mode: 'ro', rw: false, propagation: 'rprivate' }] }

import { posix } from 'node:path';
import { invalidArgument } from '../../../core/errors.js';
import type { OciMount } from '../../../oci/runtime-spec.js';
import type { MountRequest } from './container-spec.js';
import { tmpfsMount } from './tmpfs.js';

/** A mount as `docker inspect` lists it (Mounts). */
export interface MountPoint {
  type: 'bind' | 'tmpfs' | 'volume';
  /** The volume's name (volumes only). */
  name?: string;
  source: string;
  destination: string;
  mode: string;
  rw: boolean;
  propagation: string;
}

export interface MountPlan {
  mounts: OciMount[];
  /** `-v` sources Docker creates when they are missing (--mount refuses those instead). */
  createSources: string[];
  /** `--mount type=bind` sources that must exist. */
  requiredSources: string[];
  points: MountPoint[];
  /** Named (`name` set) and anonymous (`name` '') volumes, in the order they were asked. */
  volumes: VolumeRequest[];
}

/** A volume the container mounts, before it is resolved to a volume. */
export interface VolumeRequest {
  /** '' for an anonymous volume. */
  name: string;
  destination: string;
  readOnly: boolean;
  /** Do not copy the image's content at the destination into a new, empty volume. */
  noCopy: boolean;
  /** The `-v` mode as written (`ro,nocopy`); '' for --mount. */
  mode: string;
  subpath?: string;
  /** For a volume --mount creates: its labels, driver and driver options. */
  labels?: Record<string, string>;
  driver?: string;
  driverOptions?: Record<string, string>;
}

const PROPAGATIONS = new Set(['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave']);
const LABEL_MODES = new Set(['z', 'Z']);
const CONSISTENCY = new Set(['consistent', 'cached', 'delegated']);

export function planMounts(binds: readonly string[], mounts: readonly MountRequest[]): MountPlan {
  const plan: MountPlan = { mounts: [], createSources: [], requiredSources: [], points: [], volumes: [] };
  const seen = new Set<string>();
  const claim = (destination: string): void => {
    const d = cleanPath(destination);
    if (seen.has(d)) throw invalidArgument(`Duplicate mount point: ${d}`);
    seen.add(d);
  };
  for (const raw of binds) {
    const b = parseBind(raw);
    claim(b.destination);
    if (b.volume) {
      plan.volumes.push(b.volume);
      continue;
    }
    plan.createSources.push(b.source);
    addBind(plan, b.source, b.destination, b.readOnly, b.propagation, true, b.mode);
  }
  for (const m of mounts) {
    if (m.target === '') throw invalidArgument('invalid mount config: Target must not be empty');
    if (!m.target.startsWith('/')) throw invalidArgument(`invalid mount config for type "${m.type}": invalid mount path: '${m.target}' mount path must be absolute`);
    switch (m.type) {
      case 'bind': {
        if (m.source === '') throw invalidArgument('invalid mount config for type "bind": field Source must not be empty');
        if (!m.source.startsWith('/')) throw invalidArgument(`invalid mount config for type "bind": invalid mount path: '${m.source}' mount path must be absolute`);
        if (m.volumeOptions) throw invalidArgument('invalid mount config for type "bind": field VolumeOptions must not be specified');
        const propagation = m.bindOptions?.propagation || 'rprivate';
        if (!PROPAGATIONS.has(propagation)) throw invalidArgument(`invalid mount config for type "bind": invalid propagation mode: ${propagation}`);
        claim(m.target);
        if (m.bindOptions?.createMountpoint) plan.createSources.push(m.source);
        else plan.requiredSources.push(m.source);
        addBind(plan, m.source, m.target, m.readOnly, propagation, m.bindOptions?.nonRecursive !== true, '');
        break;
      }
      case 'tmpfs': {
        if (m.source !== '') throw invalidArgument('invalid mount config for type "tmpfs": field Source must not be specified');
        claim(m.target);
        const data: string[] = [];
        if (m.tmpfsOptions?.sizeBytes !== undefined) data.push(`size=${m.tmpfsOptions.sizeBytes}`);
        if (m.tmpfsOptions?.mode !== undefined) data.push(`mode=${m.tmpfsOptions.mode.toString(8)}`);
        if (m.readOnly) data.push('ro');
        plan.mounts.push(tmpfsMount(m.target, data.join(',')));
        plan.points.push({ type: 'tmpfs', source: '', destination: m.target, mode: '', rw: !m.readOnly, propagation: '' });
        break;
      }
      case 'volume': {
        if (m.bindOptions) throw invalidArgument('invalid mount config for type "volume": field BindOptions must not be specified');
        if (m.tmpfsOptions) throw invalidArgument('invalid mount config for type "volume": field TmpfsOptions must not be specified');
        const vo = m.volumeOptions;
        if (m.source === '' && vo?.subpath) throw invalidArgument('invalid mount config for type "volume": field Subpath must not be specified for an anonymous volume');
        if (vo?.subpath && (vo.subpath.startsWith('/') || posix.normalize(vo.subpath).startsWith('..'))) {
          throw invalidArgument(`invalid mount config for type "volume": subpath must be a relative path within the volume: ${vo.subpath}`);
        }
        claim(m.target);
        plan.volumes.push({
          name: m.source,
          destination: cleanPath(m.target),
          readOnly: m.readOnly,
          noCopy: vo?.noCopy === true,
          mode: '',
          ...(vo?.subpath ? { subpath: posix.normalize(vo.subpath) } : {}),
          ...(vo?.labels ? { labels: vo.labels } : {}),
          ...(vo?.driverConfig?.name ? { driver: vo.driverConfig.name } : {}),
          ...(vo?.driverConfig && Object.keys(vo.driverConfig.options).length > 0 ? { driverOptions: vo.driverConfig.options } : {}),
        });
        break;
      }
      default:
        throw invalidArgument(m.type === '' ? 'invalid mount config: mount type must not be empty' : `invalid mount config: mount type unknown: "${m.type}"`);
    }
  }
  return plan;
}

/** Go's filepath.Clean for absolute paths: no `.`, `..`, doubled or trailing slashes. */
function cleanPath(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

function addBind(plan: MountPlan, source: string, destination: string, readOnly: boolean, propagation: string, recursive: boolean, mode: string): void {
  const options = [recursive ? 'rbind' : 'bind', propagation];
  if (readOnly) options.push('ro');
  plan.mounts.push({ destination, type: 'bind', source, options });
  plan.points.push({ type: 'bind', source, destination, mode, rw: !readOnly, propagation });
}

interface ParsedBind {
  source: string;
  destination: string;
  readOnly: boolean;
  propagation: string;
  mode: string;
  /** Set when the spec names a volume (a name as source) or an anonymous one (a path alone). */
  volume?: VolumeRequest;
}

/** moby's volume names: a letter or digit first, then letters, digits, `_`, `.` and `-`. */
export const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** `SRC:DST[:OPTS]`; a single path is an anonymous volume, a name as source a named one. */
export function parseBind(raw: string): ParsedBind {
  const invalid = (why?: string): Error => invalidArgument(`invalid volume specification: '${raw}'${why ? `: ${why}` : ''}`);
  const parts = raw.split(':');
  let source: string;
  let destination: string;
  let mode = '';
  if (parts.length === 1) {
    [destination] = parts as [string];
    if (!destination.startsWith('/')) throw invalid(`invalid mount config for type "volume": invalid mount path: '${destination}' mount path must be absolute`);
    if (cleanPath(destination) === '/') throw invalid(`invalid mount config for type "volume": invalid specification: destination can't be '/'`);
    const d = cleanPath(destination);
    return { source: '', destination: d, readOnly: false, propagation: '', mode: '', volume: { name: '', destination: d, readOnly: false, noCopy: false, mode: '' } };
  } else if (parts.length === 2) {
    [source, destination] = parts as [string, string];
    // `/foo:rw` names a destination and a mode: a volume cannot have one.
    if (validMode(destination)) throw invalid();
  } else if (parts.length === 3) {
    [source, destination, mode] = parts as [string, string, string];
  } else {
    throw invalid();
  }
  if (source === '' || destination === '') throw invalid();
  const isVolume = !source.startsWith('/');
  const type = isVolume ? 'volume' : 'bind';
  if (isVolume && !VOLUME_NAME.test(source)) {
    throw invalid(`invalid mount config for type "volume": invalid volume name: "${source}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
  }
  if (!destination.startsWith('/')) {
    throw invalid(`invalid mount config for type "${type}": invalid mount path: '${destination}' mount path must be absolute`);
  }
  if (cleanPath(destination) === '/') throw invalid(`invalid mount config for type "${type}": invalid specification: destination can't be '/'`);
  if (mode !== '' && !validMode(mode)) throw invalid(`invalid mode: ${mode}`);
  const opts = mode === '' ? [] : mode.split(',');
  if (isVolume) {
    const d = cleanPath(destination);
    const volume: VolumeRequest = { name: source, destination: d, readOnly: opts.includes('ro'), noCopy: opts.includes('nocopy'), mode };
    return { source, destination: d, readOnly: volume.readOnly, propagation: '', mode, volume };
  }
  if (opts.includes('nocopy')) throw invalid(`invalid mode: ${mode}`); // nocopy is for volumes
  return {
    source: cleanPath(source),
    destination,
    readOnly: opts.includes('ro'),
    propagation: opts.find((o) => PROPAGATIONS.has(o)) ?? 'rprivate',
    mode,
  };
}

/** moby's ValidMountMode: at most one of each kind, from the known words. */
function validMode(mode: string): boolean {
  if (mode === '') return false;
  let rw = 0;
  let label = 0;
  let propagation = 0;
  let copy = 0;
  let consistency = 0;
  for (const o of mode.split(',')) {
    if (o === 'rw' || o === 'ro') rw++;
    else if (LABEL_MODES.has(o)) label++;
    else if (PROPAGATIONS.has(o)) propagation++;
    else if (o === 'nocopy') copy++;
    else if (CONSISTENCY.has(o)) consistency++;
    else return false;
  }
  return rw <= 1 && label <= 1 && propagation <= 1 && copy <= 1 && consistency <= 1;
}
