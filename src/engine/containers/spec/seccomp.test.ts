import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OciSeccomp } from '../../../oci/runtime-spec.js';
import { DEFAULT_CAPABILITIES, KNOWN_CAPABILITIES } from './capabilities.js';
import { DEFAULT_ALLOWED_SYSCALLS, defaultSeccompProfile } from './seccomp-default.js';
import { nativeArch, parseSeccompProfile, resolveSeccompProfile } from './seccomp-profile.js';
import { assertThrowsEngine } from './testing/fixtures.js';

/** Every syscall name a rule with this action allows (any arguments). */
function allowed(p: OciSeccomp, opts: { withArgs?: boolean } = {}): Set<string> {
  const out = new Set<string>();
  for (const r of p.syscalls ?? []) {
    if (r.action !== 'SCMP_ACT_ALLOW') continue;
    if (!opts.withArgs && r.args) continue;
    for (const n of r.names) out.add(n);
  }
  return out;
}

function rulesFor(p: OciSeccomp, name: string) {
  return (p.syscalls ?? []).filter((r) => r.names.includes(name));
}

describe('default seccomp profile', () => {
  const amd64 = defaultSeccompProfile(DEFAULT_CAPABILITIES, 'amd64');

  test('denies with EPERM by default, for the host architecture and its sub-architectures', () => {
    assert.equal(amd64.defaultAction, 'SCMP_ACT_ERRNO');
    assert.equal(amd64.defaultErrnoRet, 1);
    assert.deepEqual(amd64.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    assert.deepEqual(defaultSeccompProfile([], 'x64').architectures, amd64.architectures, 'Node’s arch names work too');
    assert.deepEqual(defaultSeccompProfile([], 'arm64').architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
    assert.equal(defaultSeccompProfile([], 'riscv64').architectures?.[0], 'SCMP_ARCH_RISCV64');
    assert.equal(defaultSeccompProfile([], 'ppc64le').architectures, undefined, 'no archMap entry: no architectures');
  });

  test('the unconditional allow list has no duplicates and the everyday calls', () => {
    assert.equal(new Set(DEFAULT_ALLOWED_SYSCALLS).size, DEFAULT_ALLOWED_SYSCALLS.length);
    assert.equal(DEFAULT_ALLOWED_SYSCALLS.length, 361);
    for (const n of ['read', 'write', 'openat', 'execve', 'exit_group', 'futex', 'epoll_wait', 'clock_gettime', 'socketpair', 'io_uring_setup']) {
      assert.equal(allowed(amd64).has(n), n !== 'io_uring_setup', n);
    }
  });

  test('capability-conditioned rules follow the bounding set', () => {
    const base = allowed(amd64);
    for (const n of ['mount', 'umount2', 'unshare', 'setns', 'bpf', 'ptrace', 'reboot', 'init_module', 'acct', 'iopl', 'settimeofday', 'vhangup', 'mbind', 'syslog', 'perf_event_open', 'open_by_handle_at', 'kcmp']) {
      assert.equal(base.has(n), n === 'ptrace', n);
    }
    assert.ok(base.has('chroot'), 'CAP_SYS_CHROOT is a default capability');
    const all = allowed(defaultSeccompProfile(KNOWN_CAPABILITIES, 'amd64'));
    for (const n of ['mount', 'unshare', 'setns', 'bpf', 'reboot', 'init_module', 'acct', 'iopl', 'settimeofday', 'vhangup', 'mbind', 'syslog', 'perf_event_open', 'open_by_handle_at', 'kcmp', 'clone', 'clone3']) {
      assert.ok(all.has(n), n);
    }
    assert.ok(allowed(defaultSeccompProfile(['CAP_BPF'], 'amd64')).has('bpf'));
    assert.ok(allowed(defaultSeccompProfile(['CAP_SYS_PTRACE'], 'amd64')).has('process_madvise'));
    assert.ok(!allowed(defaultSeccompProfile([], 'amd64')).has('chroot'));
  });

  test('clone may not create namespaces without CAP_SYS_ADMIN; clone3 fails with ENOSYS', () => {
    const clone = rulesFor(amd64, 'clone');
    assert.equal(clone.length, 1);
    assert.deepEqual(clone[0]?.args, [{ index: 0, value: 0x7e020000, op: 'SCMP_CMP_MASKED_EQ' }]);
    assert.deepEqual(rulesFor(amd64, 'clone3'), [{ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }]);
    const s390 = rulesFor(defaultSeccompProfile(DEFAULT_CAPABILITIES, 's390x'), 'clone');
    assert.deepEqual(s390.map((r) => r.args?.[0]?.index), [1], 's390 passes the flags second');
    const admin = defaultSeccompProfile(['CAP_SYS_ADMIN'], 'amd64');
    assert.deepEqual(rulesFor(admin, 'clone').map((r) => r.args), [undefined], 'with CAP_SYS_ADMIN, clone is unrestricted');
    assert.deepEqual(rulesFor(admin, 'clone3').map((r) => r.action), ['SCMP_ACT_ALLOW']);
  });

  test('argument rules: socket (not AF_VSOCK) and five personalities', () => {
    assert.deepEqual(rulesFor(amd64, 'socket'), [{ names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 40, op: 'SCMP_CMP_NE' }] }]);
    assert.deepEqual(
      rulesFor(amd64, 'personality').map((r) => r.args?.[0]?.value),
      [0, 8, 0x20000, 0x20008, 0xffffffff],
    );
  });

  test('architecture rules', () => {
    const has = (arch: string, n: string) => allowed(defaultSeccompProfile([], arch)).has(n);
    assert.ok(has('amd64', 'arch_prctl') && has('amd64', 'modify_ldt'));
    assert.ok(!has('386', 'arch_prctl') && has('386', 'modify_ldt'));
    assert.ok(has('arm64', 'set_tls') && !has('amd64', 'set_tls'));
    assert.ok(has('arm', 'cacheflush'));
    assert.ok(has('s390x', 's390_runtime_instr'));
    assert.ok(has('ppc64', 'swapcontext'), 'Node’s ppc64 is ppc64le');
    assert.ok(has('riscv64', 'riscv_flush_icache'));
  });

  test('kernel-conditioned rule: ptrace for everyone from 4.8', () => {
    assert.ok(allowed(defaultSeccompProfile([], 'amd64', { kernel: [4, 8] })).has('ptrace'));
    assert.ok(allowed(defaultSeccompProfile([], 'amd64', { kernel: [5, 0] })).has('ptrace'));
    assert.ok(!allowed(defaultSeccompProfile([], 'amd64', { kernel: [4, 4] })).has('ptrace'));
    assert.ok(!allowed(defaultSeccompProfile([], 'amd64', { kernel: [3, 10] })).has('ptrace'));
  });
});

describe('custom seccomp profiles', () => {
  const target = { caps: ['CAP_CHOWN'], arch: 'amd64', kernel: [6, 1] as const };

  test('a profile in Docker’s format resolves with its conditions', () => {
    const json = JSON.stringify({
      defaultAction: 'SCMP_ACT_ERRNO',
      defaultErrnoRet: 1,
      archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] }],
      flags: ['SECCOMP_FILTER_FLAG_LOG'],
      syscalls: [
        { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW', comment: 'basics' },
        { name: 'getpid', action: 'SCMP_ACT_ALLOW' },
        { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } },
        { names: ['chown'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_CHOWN'], arches: ['amd64'], minKernel: '4.0' } },
        { names: ['newer'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '7.0' } },
        { names: ['older'], action: 'SCMP_ACT_ALLOW', excludes: { minKernel: '5.0' } },
        { names: ['notarm'], action: 'SCMP_ACT_ALLOW', excludes: { arches: ['arm64'] } },
        { names: ['kill'], action: 'SCMP_ACT_ERRNO', errnoRet: 13, args: [{ index: 1, value: 9, valueTwo: 0, op: 'SCMP_CMP_EQ' }], excludes: { caps: ['CAP_CHOWN'] } },
        { names: ['empty'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '' } },
      ],
    });
    const out = resolveSeccompProfile(parseSeccompProfile(json), target);
    assert.deepEqual(out, {
      defaultAction: 'SCMP_ACT_ERRNO',
      defaultErrnoRet: 1,
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
      flags: ['SECCOMP_FILTER_FLAG_LOG'],
      syscalls: [
        { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
        { names: ['getpid'], action: 'SCMP_ACT_ALLOW' },
        { names: ['chown'], action: 'SCMP_ACT_ALLOW' },
        { names: ['notarm'], action: 'SCMP_ACT_ALLOW' },
        { names: ['empty'], action: 'SCMP_ACT_ALLOW' },
      ],
    });
    const other = resolveSeccompProfile(parseSeccompProfile(json), { caps: [], arch: 'arm64' });
    assert.deepEqual(other?.architectures, undefined);
    assert.deepEqual(
      other?.syscalls?.map((s) => s.names[0]),
      ['read', 'getpid', 'newer', 'kill', 'empty'],
      'unknown kernel counts as new; arm64 drops notarm; no CAP_CHOWN keeps kill',
    );
    assert.deepEqual(other?.syscalls?.[3], { names: ['kill'], action: 'SCMP_ACT_ERRNO', errnoRet: 13, args: [{ index: 1, value: 9, valueTwo: 0, op: 'SCMP_CMP_EQ' }] });
  });

  test('sparse rules and arguments take Go’s zero values', () => {
    const p = parseSeccompProfile('{"defaultAction":"SCMP_ACT_ERRNO","archMap":[null,{"subArchitectures":null}],"syscalls":[null,{"names":["a"],"args":[null,{}]}]}');
    assert.deepEqual(p.archMap, [
      { architecture: '', subArchitectures: [] },
      { architecture: '', subArchitectures: [] },
    ]);
    assert.deepEqual(p.syscalls, [
      { names: [], action: '' },
      { names: ['a'], action: '', args: [{ index: 0, value: 0, op: '' }, { index: 0, value: 0, op: '' }] },
    ]);
  });

  test('explicit architectures, keys in any case, and a profile that disables seccomp', () => {
    const p = parseSeccompProfile('{"DEFAULTACTION":"SCMP_ACT_ALLOW","Architectures":["SCMP_ARCH_X86_64"],"syscalls":null}');
    assert.deepEqual(resolveSeccompProfile(p, target), { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'] });
    assert.equal(resolveSeccompProfile(parseSeccompProfile('{}'), target), undefined);
    assert.equal(resolveSeccompProfile(parseSeccompProfile('null'), target), undefined);
  });

  test('decoding errors in dockerd’s words', () => {
    assertThrowsEngine(() => parseSeccompProfile('{not json'), /^Decoding seccomp profile failed: /);
    assertThrowsEngine(
      () => parseSeccompProfile('{"defaultAction": 1}'),
      'Decoding seccomp profile failed: json: cannot unmarshal number into Go struct field Seccomp.defaultAction of type string',
    );
    assertThrowsEngine(
      () => parseSeccompProfile('[]'),
      'Decoding seccomp profile failed: json: cannot unmarshal array into Go value of type seccomp.Seccomp',
    );
    assertThrowsEngine(
      () => parseSeccompProfile('{"syscalls":[{"names":["a"],"args":[{"index":-1}]}]}'),
      'Decoding seccomp profile failed: json: cannot unmarshal number -1 into Go struct field Seccomp.syscalls.args.index of type uint',
    );
    assertThrowsEngine(
      () => parseSeccompProfile('{"syscalls":[{"names":["a"],"includes":{"minKernel":"4.x"}}]}'),
      'Decoding seccomp profile failed: invalid kernel version: "4.x", expected "<kernel>.<major>"',
    );
    assertThrowsEngine(
      () => parseSeccompProfile('{"syscalls":[{"names":["a"],"includes":{"minKernel":"0.0"}}]}'),
      'Decoding seccomp profile failed: invalid kernel version: "0.0", expected "<kernel>.<major>": version cannot be 0.0',
    );
    assertThrowsEngine(
      () => parseSeccompProfile('{"syscalls":[{"name":"a","names":["b"]}]}'),
      "both 'name' and 'names' are specified in the seccomp profile, use either 'name' or 'names'",
    );
    assertThrowsEngine(
      () => parseSeccompProfile('{"architectures":["SCMP_ARCH_X86_64"],"archMap":[{"architecture":"SCMP_ARCH_X86_64"}]}'),
      "both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'",
    );
  });

  test('native architecture names', () => {
    assert.equal(nativeArch('x64'), 'amd64');
    assert.equal(nativeArch('ia32'), 'x86');
    assert.equal(nativeArch('loong64'), 'loong64', 'unknown names pass through');
  });
});
