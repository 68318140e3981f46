import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kindOf } from '../../../core/errors.js';
import { parseBind, planMounts } from './binds.js';

const fails = (fn: () => unknown, kind: string, message: string | RegExp): void => {
  assert.throws(fn, (err: unknown) => {
    assert.equal(kindOf(err), kind);
    if (typeof message === 'string') assert.equal((err as Error).message, message);
    else assert.match((err as Error).message, message);
    return true;
  });
};

describe('bind mounts', () => {
  it('parses -v SRC:DST[:OPTS] into OCI bind mounts', () => {
    const plan = planMounts(['/srv/data:/data:ro', '/srv//logs/:/logs', '/a:/b:rw,rshared,z'], []);
    assert.deepEqual(plan.mounts, [
      { destination: '/data', type: 'bind', source: '/srv/data', options: ['rbind', 'rprivate', 'ro'] },
      { destination: '/logs', type: 'bind', source: '/srv/logs', options: ['rbind', 'rprivate'] },
      { destination: '/b', type: 'bind', source: '/a', options: ['rbind', 'rshared'] },
    ]);
    assert.deepEqual(plan.createSources, ['/srv/data', '/srv/logs', '/a']);
    assert.deepEqual(plan.points[0], { type: 'bind', source: '/srv/data', destination: '/data', mode: 'ro', rw: false, propagation: 'rprivate' });
  });

  it('takes --mount type=bind and type=tmpfs', () => {
    const plan = planMounts([], [
      { type: 'bind', source: '/h', target: '/c', readOnly: true, bindOptions: { propagation: 'rslave', nonRecursive: true } },
      { type: 'tmpfs', source: '', target: '/t', readOnly: false, tmpfsOptions: { sizeBytes: 1000, mode: 0o1777 } },
    ]);
    assert.deepEqual(plan.mounts[0], { destination: '/c', type: 'bind', source: '/h', options: ['bind', 'rslave', 'ro'] });
    assert.equal(plan.mounts[1]!.type, 'tmpfs');
    assert.ok(plan.mounts[1]!.options!.includes('size=1000') && plan.mounts[1]!.options!.includes('mode=1777'));
    assert.deepEqual(plan.requiredSources, ['/h']);
    assert.deepEqual(plan.createSources, []);
  });

  it("refuses bad specifications in Docker's words", () => {
    fails(() => parseBind('/a:/b:c:d'), 'invalid-argument', "invalid volume specification: '/a:/b:c:d'");
    fails(() => parseBind('/a:rw'), 'invalid-argument', "invalid volume specification: '/a:rw'");
    fails(() => parseBind('/a:b'), 'invalid-argument', /invalid mount path: 'b' mount path must be absolute/);
    fails(() => parseBind('/a:/b:xx'), 'invalid-argument', "invalid volume specification: '/a:/b:xx': invalid mode: xx");
    fails(() => parseBind('/a:/b:ro,rw'), 'invalid-argument', /invalid mode: ro,rw/);
    fails(() => parseBind('/a:/'), 'invalid-argument', /destination can't be '\/'/);
    fails(() => planMounts(['/a:/x', '/b:/x/'], []), 'invalid-argument', 'Duplicate mount point: /x');
    fails(() => planMounts([], [{ type: 'bind', source: '', target: '/x', readOnly: false }]), 'invalid-argument', /field Source must not be empty/);
    fails(() => planMounts([], [{ type: 'nfs', source: '', target: '/x', readOnly: false }]), 'invalid-argument', /mount type unknown/);
  });

  it('turns names, lone paths and --mount type=volume into volume requests', () => {
    const plan = planMounts(['data:/data:ro,nocopy', '/anon/'], [
      { type: 'volume', source: 'v', target: '/v', readOnly: false, volumeOptions: { subpath: 'a/b', driverConfig: { name: 'local', options: { type: 'tmpfs' } } } },
      { type: 'volume', source: '', target: '/w', readOnly: true, volumeOptions: { noCopy: true } },
    ]);
    assert.deepEqual(plan.mounts, []);
    assert.deepEqual(plan.volumes, [
      { name: 'data', destination: '/data', readOnly: true, noCopy: true, mode: 'ro,nocopy' },
      { name: '', destination: '/anon', readOnly: false, noCopy: false, mode: '' },
      { name: 'v', destination: '/v', readOnly: false, noCopy: false, mode: '', subpath: 'a/b', driver: 'local', driverOptions: { type: 'tmpfs' } },
      { name: '', destination: '/w', readOnly: true, noCopy: true, mode: '' },
    ]);
    fails(() => parseBind('da$ta:/data'), 'invalid-argument', /invalid volume name: "da\$ta"/);
    fails(() => parseBind('data:rel'), 'invalid-argument', /type "volume": invalid mount path: 'rel'/);
    fails(() => planMounts(['data:/x', '/x'], []), 'invalid-argument', 'Duplicate mount point: /x');
    fails(() => planMounts([], [{ type: 'volume', source: '', target: '/v', readOnly: false, volumeOptions: { subpath: 'a' } }]), 'invalid-argument', /anonymous volume/);
    fails(() => planMounts([], [{ type: 'volume', source: 'v', target: '/v', readOnly: false, volumeOptions: { subpath: '../a' } }]), 'invalid-argument', /subpath must be a relative path/);
  });
});
