// Volumes on the wire: the create body in, `volume.Volume` out (Docker's field names, with
// UsageData only where dockerd sends it: `system df`).

import { GoJson } from '../../engine/containers/spec/go-json.js';
import type { VolumeCreateRequest, VolumeDetails, VolumeUsage } from '../../engine/volumes/volume-service.js';
import { invalidJson, rootObject } from './container-create.js';

export function toVolumeCreateRequest(body: unknown): VolumeCreateRequest {
  const j = new GoJson('CreateOptions', invalidJson);
  const o = rootObject(j, body, 'volume.CreateOptions');
  return {
    name: j.str(j.get(o, 'Name'), 'Name') ?? '',
    driver: j.str(j.get(o, 'Driver'), 'Driver') ?? '',
    options: j.stringMap(j.get(o, 'DriverOpts'), 'DriverOpts') ?? {},
    labels: j.stringMap(j.get(o, 'Labels'), 'Labels') ?? {},
  };
}

export function toVolumeWire(v: VolumeDetails): Record<string, unknown> {
  return {
    CreatedAt: v.created,
    Driver: v.driver,
    // dockerd keeps nil maps for a volume made without labels or options, and sends null.
    Labels: Object.keys(v.labels).length > 0 ? v.labels : null,
    Mountpoint: v.mountpoint,
    Name: v.name,
    Options: Object.keys(v.options).length > 0 ? v.options : null,
    Scope: 'local',
  };
}

export function toVolumeUsageWire(v: VolumeUsage): Record<string, unknown> {
  return { ...toVolumeWire(v), UsageData: { Size: v.size, RefCount: v.refCount } };
}
