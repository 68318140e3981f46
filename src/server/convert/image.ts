// Image domain objects → Docker's wire JSON. The only place that knows both shapes.

import type {
  ContainerConfigWire,
  ImageDeleteItemWire,
  ImageHistoryItemWire,
  ImageInspectWire,
  ImageSummaryWire,
} from '../../api/types/image.js';
import type { ImageDetails, ImageHistoryItem, ImageRemoveItem, ImageSummary } from '../../engine/images/image-service.js';
import type { ImageRuntimeConfig } from '../../oci/image.js';

const ZERO_TIME = '0001-01-01T00:00:00Z';

export function toImageSummaryWire(s: ImageSummary): ImageSummaryWire {
  return {
    Id: s.id,
    ParentId: s.parent ?? '',
    RepoTags: s.repoTags,
    RepoDigests: s.repoDigests,
    Created: Math.floor(s.created.getTime() / 1000),
    Size: s.size,
    SharedSize: -1,
    Labels: Object.keys(s.labels).length > 0 ? s.labels : null,
    Containers: s.containers,
  };
}

/** An image's runtime config in the container.Config shape the API has always used. */
export function toContainerConfigWire(c: ImageRuntimeConfig | undefined): ContainerConfigWire {
  const cfg = c ?? {};
  const wire: ContainerConfigWire = {
    Hostname: '',
    Domainname: '',
    User: cfg.User ?? '',
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: cfg.Env ?? null,
    Cmd: cfg.Cmd ?? null,
    Image: '',
    Volumes: cfg.Volumes ?? null,
    WorkingDir: cfg.WorkingDir ?? '',
    Entrypoint: cfg.Entrypoint ?? null,
    OnBuild: cfg.OnBuild ?? null,
    Labels: cfg.Labels ?? null,
  };
  if (cfg.ExposedPorts) wire.ExposedPorts = cfg.ExposedPorts;
  if (cfg.Healthcheck) wire.Healthcheck = { ...cfg.Healthcheck };
  if (cfg.ArgsEscaped) wire.ArgsEscaped = cfg.ArgsEscaped;
  if (cfg.StopSignal) wire.StopSignal = cfg.StopSignal;
  if (cfg.Shell) wire.Shell = cfg.Shell;
  return wire;
}

export function toImageInspectWire(d: ImageDetails, driver: string): ImageInspectWire {
  const c = d.config;
  const wire: ImageInspectWire = {
    Id: d.id,
    RepoTags: d.repoTags,
    RepoDigests: d.repoDigests,
    Parent: d.parent ?? '',
    Comment: c.comment ?? c.history?.[c.history.length - 1]?.comment ?? '',
    Created: c.created ?? ZERO_TIME,
    DockerVersion: c.docker_version ?? '',
    Author: c.author ?? '',
    Config: toContainerConfigWire(c.config),
    Architecture: c.architecture,
    Os: c.os,
    Size: d.size,
    GraphDriver: { Name: driver, Data: null },
    RootFS: { Type: 'layers', Layers: c.rootfs.diff_ids },
    Metadata: { LastTagTime: d.record.lastTagTime ?? ZERO_TIME },
  };
  if (c.variant) wire.Variant = c.variant;
  if (c['os.version']) wire.OsVersion = c['os.version'];
  // Kept for docker-compose 1.29, which reads ContainerConfig (see docs/api.md).
  wire.Container = c.container ?? '';
  wire.ContainerConfig = toContainerConfigWire(c.container_config);
  return wire;
}

export function toHistoryWire(items: ImageHistoryItem[]): ImageHistoryItemWire[] {
  return items.map((h) => ({
    Id: h.id,
    Created: Math.floor(h.created.getTime() / 1000),
    CreatedBy: h.createdBy,
    Tags: h.tags.length > 0 ? h.tags : null,
    Size: h.size,
    Comment: h.comment,
  }));
}

export function toDeleteItemsWire(items: ImageRemoveItem[]): ImageDeleteItemWire[] {
  return items.map((i) => ('untagged' in i ? { Untagged: i.untagged } : { Deleted: i.deleted }));
}
