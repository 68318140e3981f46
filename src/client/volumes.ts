// Client calls for the volume endpoints, one function per endpoint, mirroring moby's client
// (client/volume_*.go): the create body in its field order, so that berthd sees what the
// docker CLI sends.

import type { EngineClient } from './engine-client.js';

const seg = (name: string): string => encodeURIComponent(name);

/** volume.Volume as the daemon sends it (UsageData only in `system df`). */
export interface VolumeWire {
  CreatedAt?: string;
  Driver: string;
  Labels: Record<string, string> | null;
  Mountpoint: string;
  Name: string;
  Options: Record<string, string> | null;
  Scope: string;
  UsageData?: { Size: number; RefCount: number } | null;
}

/** `POST /volumes/create`: volume.CreateOptions in the order encoding/json writes it. */
export interface VolumeCreateRequestWire {
  Driver: string;
  DriverOpts: Record<string, string>;
  Labels: Record<string, string>;
  Name: string;
}

export interface VolumePruneReportWire {
  VolumesDeleted: string[] | null;
  SpaceReclaimed: number;
}

export function volumeList(c: EngineClient, opts: { filters?: string } = {}): Promise<{ Volumes: VolumeWire[] | null; Warnings: string[] | null }> {
  return c.json('GET', '/volumes', { query: { filters: opts.filters } });
}

export function volumeInspect(c: EngineClient, name: string): Promise<VolumeWire> {
  return c.json('GET', `/volumes/${seg(name)}`);
}

export function volumeCreate(c: EngineClient, body: VolumeCreateRequestWire): Promise<VolumeWire> {
  return c.json('POST', '/volumes/create', { body });
}

export function volumeRemove(c: EngineClient, name: string, opts: { force?: boolean } = {}): Promise<void> {
  return c.json('DELETE', `/volumes/${seg(name)}`, { query: { force: opts.force ? '1' : undefined } });
}

export function volumePrune(c: EngineClient, opts: { filters?: string } = {}): Promise<VolumePruneReportWire> {
  return c.json('POST', '/volumes/prune', { query: { filters: opts.filters } });
}
