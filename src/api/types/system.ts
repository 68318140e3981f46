// Docker Engine API wire shapes for /version, /info, /events and /system/df.

import type { ImageSummaryWire } from './image.js';

export interface VersionWire {
  Platform: { Name: string };
  Components: { Name: string; Version: string; Details: Record<string, string> }[];
  Version: string;
  ApiVersion: string;
  MinAPIVersion: string;
  GitCommit: string;
  GoVersion: string;
  Os: string;
  Arch: string;
  KernelVersion: string;
  Experimental?: boolean;
  BuildTime: string;
}

export interface EventMessageWire {
  status?: string;
  id?: string;
  from?: string;
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: string;
  time: number;
  /** Nanoseconds: a bigint, written as an exact JSON integer. */
  timeNano: bigint;
}

export interface DiskUsageWire {
  LayersSize: number;
  Images: ImageSummaryWire[];
  Containers: unknown[];
  Volumes: unknown[];
  BuildCache: unknown[];
}
