// Shared test inputs for the spec layer: a create request as the docker CLI sends it with no
// flags, the built-in busybox image's config, and its /etc/passwd and /etc/group.

import assert from 'node:assert/strict';
import { EngineError, type ErrorKind } from '../../../../core/errors.js';
import type { ImageConfig } from '../../../../oci/image.js';
import type { CreateRequest, HostRequest } from '../container-spec.js';

export const CONTAINER_ID = '3f4a9c1e2b7d8a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a29';

export const BUSYBOX: { config: ImageConfig } = {
  config: {
    architecture: 'amd64',
    os: 'linux',
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'] },
    rootfs: { type: 'layers', diff_ids: [] },
  },
};

export const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n';
export const GROUP = 'root:x:0:\nnogroup:x:65534:\n';

export function hostRequest(over: Partial<HostRequest> = {}): HostRequest {
  return {
    binds: [],
    mounts: [],
    tmpfs: {},
    autoRemove: false,
    restartPolicy: { name: 'no', maximumRetryCount: 0 },
    networkMode: 'bridge',
    privileged: false,
    capAdd: [],
    capDrop: [],
    readonlyRootfs: false,
    securityOpt: [],
    devices: [],
    deviceCgroupRules: [],
    ulimits: [],
    sysctls: {},
    groupAdd: [],
    resources: {},
    logConfig: { type: 'json-file', config: {} },
    dns: [],
    dnsSearch: [],
    dnsOptions: [],
    extraHosts: [],
    links: [],
    portBindings: {},
    publishAllPorts: false,
    volumesFrom: [],
    annotations: {},
    ...over,
  };
}

/** `docker create busybox` as the engine receives it; `host` overrides merge into the defaults. */
export function createRequest(over: Partial<Omit<CreateRequest, 'host'>> & { host?: Partial<HostRequest> } = {}): CreateRequest {
  const { host, ...rest } = over;
  return {
    image: 'busybox',
    tty: false,
    openStdin: false,
    stdinOnce: false,
    attachStdin: false,
    attachStdout: true,
    attachStderr: true,
    endpoints: {},
    ...rest,
    host: hostRequest(host),
  };
}

/** Asserts that `fn` throws an EngineError of `kind` with exactly `message`. */
export function assertThrowsEngine(fn: () => unknown, message: string | RegExp, kind: ErrorKind = 'invalid-argument'): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof EngineError, `expected an EngineError, got ${String(err)}`);
    assert.equal(err.kind, kind);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}
