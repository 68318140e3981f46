// The seam between the volume service and where a volume's data lives: Docker's volume
// driver. Only `local` exists (local-driver.ts); plugins would be other implementations.

/** A driver's view of one volume: its name and the options it was created with. */
export interface DriverVolume {
  name: string;
  options: Record<string, string>;
}

export interface VolumeDriver {
  readonly name: string;
  /** Checks the options and makes the volume's storage; idempotent. */
  create(v: DriverVolume): Promise<void>;
  /** The host path of the volume's data (`<root>/<name>/_data`), whether mounted or not. */
  path(name: string): string;
  /** Makes the data reachable at path() for `ref` (a container ID); the first user mounts. */
  mount(v: DriverVolume, ref: string): Promise<string>;
  /** Releases `ref`; the last user unmounts. Unknown refs are no error. */
  unmount(v: DriverVolume, ref: string): Promise<void>;
  /** Takes `ref` back after a daemon restart, without mounting again what is mounted. */
  adopt(v: DriverVolume, ref: string): Promise<void>;
  /** Removes the volume's storage; unmounts first. */
  remove(v: DriverVolume): Promise<void>;
  /** Bytes used by the volume's data (hard links once). */
  size(name: string): Promise<number>;
}
