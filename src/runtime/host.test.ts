import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../test/helpers/env.js';
import { boundingCapabilities, deviceNodes, hostDevices, kernelVersion, thermalThrottlePaths } from './host.js';

describe('host facts', () => {
  it('reads a device node: /dev/null is c 1:3', async () => {
    const [n, ...rest] = await deviceNodes('/dev/null');
    assert.equal(rest.length, 0);
    assert.deepEqual({ ...n, fileMode: undefined }, { path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: undefined, uid: 0, gid: 0 });
    assert.equal(n!.fileMode, 0o666);
  });

  it('finds nothing for a missing path or a plain file, the nodes below a directory', async (t) => {
    assert.deepEqual(await deviceNodes('/dev/nosuchdevice'), []);
    assert.deepEqual(await deviceNodes('/etc/hostname'), []);
    const dir = tempDir(t);
    mkdirSync(join(dir, 'sub'));
    assert.deepEqual(await deviceNodes(dir), []);
  });

  it('lists the host devices without pts, shm or the console', async () => {
    const all = await hostDevices();
    const paths = all.map((d) => d.path);
    assert.ok(paths.includes('/dev/null') && paths.includes('/dev/zero'));
    assert.ok(!paths.some((p) => p.startsWith('/dev/pts/') || p.startsWith('/dev/shm/') || p === '/dev/console'));
  });

  it('names the capabilities of the bounding set', async () => {
    const names = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER'];
    assert.deepEqual(await boundingCapabilities(names, 'Name:\tx\nCapBnd:\t000000000000000b\n'), ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER']);
    // A kernel with bits beyond the list: they are ignored.
    assert.deepEqual(await boundingCapabilities(names, 'CapBnd:\tffffffffffffffff\n'), names);
    assert.deepEqual(await boundingCapabilities(names, 'no such line\n'), names);
  });

  it('parses kernel releases; finds thermal_throttle directories if any', async () => {
    assert.deepEqual(kernelVersion('6.1.0-13-amd64'), [6, 1]);
    assert.deepEqual(kernelVersion('4.19.250+'), [4, 19]);
    assert.equal(kernelVersion('weird'), undefined);
    for (const p of await thermalThrottlePaths()) assert.match(p, /^\/sys\/devices\/system\/cpu\/cpu\d+\/thermal_throttle$/);
  });
});
