import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cgroupMounts, cgroupPathsFrom, parseBlkioV1, parseFlatKeyed, parseIoStatV2 } from './cgroups.js';

const HYBRID_MOUNTINFO = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;

describe('cgroups', () => {
  it('finds v1 controller directories on a hybrid host', async () => {
    const mounts = await cgroupMounts(HYBRID_MOUNTINFO);
    assert.equal(mounts.get('cpu'), '/sys/fs/cgroup/cpu,cpuacct');
    assert.equal(mounts.get('cpuacct'), '/sys/fs/cgroup/cpu,cpuacct');
    assert.equal(mounts.get(''), '/sys/fs/cgroup/unified');
    assert.equal(mounts.has('xattr'), false);
    const proc = '12:name=systemd:/b/c1\n4:memory:/b/c1\n2:cpu,cpuacct:/b/c1\n0::/b/c1\n';
    assert.deepEqual(cgroupPathsFrom(proc, mounts, false), {
      version: 1,
      dirs: { memory: '/sys/fs/cgroup/memory/b/c1', cpu: '/sys/fs/cgroup/cpu,cpuacct/b/c1', cpuacct: '/sys/fs/cgroup/cpu,cpuacct/b/c1' },
    });
  });

  it('finds the one directory on a v2 host', () => {
    const mounts = new Map([['', '/sys/fs/cgroup']]);
    assert.deepEqual(cgroupPathsFrom('0::/berth/c1\n', mounts, true), { version: 2, dirs: { '': '/sys/fs/cgroup/berth/c1' } });
  });

  it('parses the stat file formats', () => {
    assert.deepEqual(parseFlatKeyed('oom_kill_disable 0\nunder_oom 0\noom_kill 2\n'), { oom_kill_disable: 0, under_oom: 0, oom_kill: 2 });
    assert.deepEqual(parseBlkioV1('8:0 Read 4096\n8:0 Write 0\nTotal 4096\n'), [
      { major: 8, minor: 0, op: 'Read', value: 4096 },
      { major: 8, minor: 0, op: 'Write', value: 0 },
    ]);
    assert.deepEqual(parseIoStatV2('254:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n'), [
      { major: 254, minor: 0, op: 'read', value: 10 },
      { major: 254, minor: 0, op: 'write', value: 20 },
    ]);
  });
});
