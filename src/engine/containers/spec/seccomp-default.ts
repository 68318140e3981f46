// The default seccomp profile, equivalent to Docker's (moby/profiles/seccomp, v28): every
// syscall not allowed here fails with EPERM. The unconditional allow list is grouped by what
// the calls do; the rules after it depend on the container's capabilities (a container with
// CAP_SYS_ADMIN may mount, one with CAP_SYS_PTRACE may ptrace…), on the architecture, or on
// the kernel version, and are kept only when their condition holds.

import type { OciSeccomp } from '../../../oci/runtime-spec.js';
import { type SeccompCondition, type SeccompProfile, type SeccompRule, resolveSeccompProfile } from './seccomp-profile.js';

const ALLOW = 'SCMP_ACT_ALLOW';
const ERRNO = 'SCMP_ACT_ERRNO';
const EPERM = 1;
const ENOSYS = 38;
const AF_VSOCK = 40;
// CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET
const CLONE_NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;

const FILES = [
  'access', 'faccessat', 'faccessat2',
  'open', 'openat', 'openat2', 'creat', 'close', 'close_range', 'name_to_handle_at',
  'read', 'readv', 'pread64', 'preadv', 'preadv2', 'readahead',
  'write', 'writev', 'pwrite64', 'pwritev', 'pwritev2',
  'lseek', '_llseek', 'copy_file_range', 'sendfile', 'sendfile64', 'splice', 'tee', 'vmsplice',
  'dup', 'dup2', 'dup3', 'fcntl', 'fcntl64', 'flock',
  'fsync', 'fdatasync', 'sync', 'syncfs', 'sync_file_range',
  'fallocate', 'fadvise64', 'fadvise64_64', 'truncate', 'truncate64', 'ftruncate', 'ftruncate64',
  'stat', 'stat64', 'lstat', 'lstat64', 'fstat', 'fstat64', 'fstatat64', 'newfstatat', 'statx',
  'statfs', 'statfs64', 'fstatfs', 'fstatfs64', 'cachestat', 'statmount', 'listmount',
  'chmod', 'fchmod', 'fchmodat', 'fchmodat2', 'umask',
  'chown', 'chown32', 'fchown', 'fchown32', 'fchownat', 'lchown', 'lchown32',
  'utime', 'utimes', 'utimensat', 'utimensat_time64', 'futimesat',
  'chdir', 'fchdir', 'getcwd', 'getdents', 'getdents64', 'mkdir', 'mkdirat', 'rmdir', 'mknod', 'mknodat',
  'link', 'linkat', 'symlink', 'symlinkat', 'readlink', 'readlinkat',
  'rename', 'renameat', 'renameat2', 'unlink', 'unlinkat',
];

const XATTRS = [
  'getxattr', 'getxattrat', 'lgetxattr', 'fgetxattr',
  'setxattr', 'setxattrat', 'lsetxattr', 'fsetxattr',
  'listxattr', 'listxattrat', 'llistxattr', 'flistxattr',
  'removexattr', 'removexattrat', 'lremovexattr', 'fremovexattr',
];

const POLLING_AND_NOTIFICATION = [
  'pipe', 'pipe2', 'ioctl',
  'select', '_newselect', 'pselect6', 'pselect6_time64', 'poll', 'ppoll', 'ppoll_time64',
  'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_ctl_old', 'epoll_wait', 'epoll_wait_old', 'epoll_pwait', 'epoll_pwait2',
  'eventfd', 'eventfd2', 'signalfd', 'signalfd4',
  'timerfd_create', 'timerfd_gettime', 'timerfd_gettime64', 'timerfd_settime', 'timerfd_settime64',
  'inotify_init', 'inotify_init1', 'inotify_add_watch', 'inotify_rm_watch', 'fanotify_mark',
];

const ASYNC_IO = ['io_setup', 'io_submit', 'io_getevents', 'io_pgetevents', 'io_pgetevents_time64', 'io_cancel', 'io_destroy'];

const PROCESSES = [
  'fork', 'vfork', 'execve', 'execveat', 'exit', 'exit_group', 'wait4', 'waitid', 'waitpid',
  'getpid', 'getppid', 'gettid', 'getpgid', 'getpgrp', 'setpgid', 'getsid', 'setsid',
  'pidfd_open', 'pidfd_send_signal', 'process_mrelease',
  'prctl', 'set_tid_address', 'get_thread_area', 'set_thread_area', 'rseq', 'restart_syscall',
  'uname', 'sysinfo', 'getrandom', 'getcpu', 'uretprobe', 'riscv_hwprobe',
];

const LIMITS_AND_SCHEDULING = [
  'getrlimit', 'setrlimit', 'ugetrlimit', 'prlimit64', 'getrusage', 'times',
  'getpriority', 'setpriority', 'ioprio_get', 'ioprio_set',
  'sched_yield', 'sched_getaffinity', 'sched_setaffinity', 'sched_getattr', 'sched_setattr',
  'sched_getparam', 'sched_setparam', 'sched_getscheduler', 'sched_setscheduler',
  'sched_get_priority_max', 'sched_get_priority_min', 'sched_rr_get_interval', 'sched_rr_get_interval_time64',
];

const CREDENTIALS = [
  'capget', 'capset',
  'getuid', 'getuid32', 'geteuid', 'geteuid32', 'getresuid', 'getresuid32',
  'getgid', 'getgid32', 'getegid', 'getegid32', 'getresgid', 'getresgid32', 'getgroups', 'getgroups32',
  'setuid', 'setuid32', 'setreuid', 'setreuid32', 'setresuid', 'setresuid32', 'setfsuid', 'setfsuid32',
  'setgid', 'setgid32', 'setregid', 'setregid32', 'setresgid', 'setresgid32', 'setfsgid', 'setfsgid32',
  'setgroups', 'setgroups32',
];

const SELF_RESTRICTION = ['seccomp', 'landlock_create_ruleset', 'landlock_add_rule', 'landlock_restrict_self'];

const THREAD_SYNC = [
  'futex', 'futex_time64', 'futex_wait', 'futex_wake', 'futex_requeue', 'futex_waitv',
  'get_robust_list', 'set_robust_list', 'membarrier',
];

const MEMORY = [
  'brk', 'mmap', 'mmap2', 'munmap', 'mremap', 'mprotect', 'madvise', 'mincore', 'msync', 'remap_file_pages',
  'mlock', 'mlock2', 'mlockall', 'munlock', 'munlockall', 'mseal', 'map_shadow_stack',
  'memfd_create', 'memfd_secret', 'pkey_alloc', 'pkey_free', 'pkey_mprotect',
];

const SIGNALS = [
  'kill', 'tkill', 'tgkill', 'pause', 'sigaltstack', 'sigprocmask', 'sigreturn',
  'rt_sigaction', 'rt_sigpending', 'rt_sigprocmask', 'rt_sigqueueinfo', 'rt_tgsigqueueinfo', 'rt_sigreturn',
  'rt_sigsuspend', 'rt_sigtimedwait', 'rt_sigtimedwait_time64',
];

const TIME = [
  'time', 'gettimeofday', 'adjtimex', 'clock_adjtime', 'clock_adjtime64',
  'clock_getres', 'clock_getres_time64', 'clock_gettime', 'clock_gettime64', 'clock_nanosleep', 'clock_nanosleep_time64',
  'nanosleep', 'alarm', 'getitimer', 'setitimer',
  'timer_create', 'timer_delete', 'timer_getoverrun', 'timer_gettime', 'timer_gettime64', 'timer_settime', 'timer_settime64',
];

const SOCKETS = [
  'socketpair', 'socketcall', 'bind', 'listen', 'accept', 'accept4', 'connect', 'shutdown',
  'getsockname', 'getpeername', 'getsockopt', 'setsockopt',
  'send', 'sendto', 'sendmsg', 'sendmmsg', 'recv', 'recvfrom', 'recvmsg', 'recvmmsg', 'recvmmsg_time64',
];

const IPC = [
  'ipc',
  'msgget', 'msgctl', 'msgsnd', 'msgrcv',
  'semget', 'semctl', 'semop', 'semtimedop', 'semtimedop_time64',
  'shmget', 'shmctl', 'shmat', 'shmdt',
  'mq_open', 'mq_unlink', 'mq_getsetattr', 'mq_notify', 'mq_timedsend', 'mq_timedsend_time64', 'mq_timedreceive', 'mq_timedreceive_time64',
];

/** Always allowed, whatever the container's capabilities. */
export const DEFAULT_ALLOWED_SYSCALLS: readonly string[] = [
  ...FILES,
  ...XATTRS,
  ...POLLING_AND_NOTIFICATION,
  ...ASYNC_IO,
  ...PROCESSES,
  ...LIMITS_AND_SCHEDULING,
  ...CREDENTIALS,
  ...SELF_RESTRICTION,
  ...THREAD_SYNC,
  ...MEMORY,
  ...SIGNALS,
  ...TIME,
  ...SOCKETS,
  ...IPC,
];

/** Syscalls each capability unlocks. */
const BY_CAPABILITY: [capability: string, names: string[]][] = [
  ['CAP_DAC_READ_SEARCH', ['open_by_handle_at']],
  [
    'CAP_SYS_ADMIN',
    [
      'bpf', 'clone', 'clone3', 'fanotify_init', 'fsconfig', 'fsmount', 'fsopen', 'fspick', 'lookup_dcookie',
      'lsm_get_self_attr', 'lsm_list_modules', 'lsm_set_self_attr', 'mount', 'mount_setattr', 'move_mount', 'open_tree',
      'perf_event_open', 'quotactl', 'quotactl_fd', 'setdomainname', 'sethostname', 'setns', 'syslog',
      'umount', 'umount2', 'unshare',
    ],
  ],
  ['CAP_SYS_BOOT', ['reboot']],
  ['CAP_SYS_CHROOT', ['chroot']],
  ['CAP_SYS_MODULE', ['delete_module', 'init_module', 'finit_module']],
  ['CAP_SYS_PACCT', ['acct']],
  ['CAP_SYS_PTRACE', ['kcmp', 'pidfd_getfd', 'process_madvise', 'process_vm_readv', 'process_vm_writev', 'ptrace']],
  ['CAP_SYS_RAWIO', ['iopl', 'ioperm']],
  ['CAP_SYS_TIME', ['settimeofday', 'stime', 'clock_settime', 'clock_settime64']],
  ['CAP_SYS_TTY_CONFIG', ['vhangup']],
  ['CAP_SYS_NICE', ['get_mempolicy', 'mbind', 'set_mempolicy', 'set_mempolicy_home_node']],
  ['CAP_SYSLOG', ['syslog']],
  ['CAP_BPF', ['bpf']],
  ['CAP_PERFMON', ['perf_event_open']],
];

/** Syscalls that exist (or are safe) only on some architectures (libseccomp's native names). */
const BY_ARCH: [arches: string[], names: string[]][] = [
  [['ppc64le'], ['sync_file_range2', 'swapcontext']],
  [['arm', 'arm64'], ['arm_fadvise64_64', 'arm_sync_file_range', 'sync_file_range2', 'breakpoint', 'cacheflush', 'set_tls']],
  [['amd64', 'x32'], ['arch_prctl']],
  [['amd64', 'x32', 'x86'], ['modify_ldt']],
  [['s390', 's390x'], ['s390_pci_mmio_read', 's390_pci_mmio_write', 's390_runtime_instr']],
  [['riscv64'], ['riscv_flush_icache']],
];

/** Personalities a container may switch to: PER_LINUX, UNAME26, PER_LINUX32, UNAME26|PER_LINUX32, and the query. */
const PERSONALITIES = [0x0, 0x0008, 0x20000, 0x20008, 0xffffffff];

function allow(names: string[], includes?: SeccompCondition): SeccompRule {
  return includes ? { names, action: ALLOW, includes } : { names, action: ALLOW };
}

function rules(): SeccompRule[] {
  return [
    allow([...DEFAULT_ALLOWED_SYSCALLS]),
    // Cross-process memory access and ptrace were only made safe for unprivileged use in 4.8.
    allow(['process_vm_readv', 'process_vm_writev', 'ptrace'], { minKernel: [4, 8] }),
    // Any socket family but AF_VSOCK, which would reach the host.
    { names: ['socket'], action: ALLOW, args: [{ index: 0, value: AF_VSOCK, op: 'SCMP_CMP_NE' }] },
    ...PERSONALITIES.map(
      (p): SeccompRule => ({ names: ['personality'], action: ALLOW, args: [{ index: 0, value: p, op: 'SCMP_CMP_EQ' }] }),
    ),
    ...BY_ARCH.map(([arches, names]) => allow(names, { arches })),
    ...BY_CAPABILITY.map(([cap, names]) => allow(names, { caps: [cap] })),
    // Without CAP_SYS_ADMIN, clone may not create namespaces. s390 swaps clone's first two
    // arguments, so the flags are argument 1 there.
    {
      names: ['clone'],
      action: ALLOW,
      args: [{ index: 0, value: CLONE_NAMESPACE_FLAGS, op: 'SCMP_CMP_MASKED_EQ' }],
      excludes: { caps: ['CAP_SYS_ADMIN'], arches: ['s390', 's390x'] },
    },
    {
      names: ['clone'],
      action: ALLOW,
      args: [{ index: 1, value: CLONE_NAMESPACE_FLAGS, op: 'SCMP_CMP_MASKED_EQ' }],
      includes: { arches: ['s390', 's390x'] },
      excludes: { caps: ['CAP_SYS_ADMIN'] },
    },
    // clone3 passes its flags in memory, where seccomp cannot look: ENOSYS makes libc fall back to clone.
    { names: ['clone3'], action: ERRNO, errnoRet: ENOSYS, excludes: { caps: ['CAP_SYS_ADMIN'] } },
  ];
}

/** The default profile with its conditions, in Docker's format. */
export function defaultSeccompProfileTemplate(): SeccompProfile {
  return {
    defaultAction: ERRNO,
    defaultErrnoRet: EPERM,
    archMap: [
      { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
      { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
      { architecture: 'SCMP_ARCH_MIPS64', subArchitectures: ['SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64N32'] },
      { architecture: 'SCMP_ARCH_MIPS64N32', subArchitectures: ['SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64'] },
      { architecture: 'SCMP_ARCH_MIPSEL64', subArchitectures: ['SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64N32'] },
      { architecture: 'SCMP_ARCH_MIPSEL64N32', subArchitectures: ['SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64'] },
      { architecture: 'SCMP_ARCH_S390X', subArchitectures: ['SCMP_ARCH_S390'] },
      { architecture: 'SCMP_ARCH_RISCV64', subArchitectures: [] },
    ],
    syscalls: rules(),
  };
}

export interface DefaultSeccompOptions {
  /** The host kernel (major, minor); unknown means new enough for every rule. */
  kernel?: readonly [number, number];
}

/**
 * Docker's default profile for a container with these (bounding) capabilities on this host
 * architecture (Go's or Node's name), keeping only the rules whose conditions hold.
 */
export function defaultSeccompProfile(caps: readonly string[], arch: string, opts: DefaultSeccompOptions = {}): OciSeccomp {
  // The default profile always has a default action, so it always resolves to a profile.
  return resolveSeccompProfile(defaultSeccompProfileTemplate(), { caps, arch, ...(opts.kernel ? { kernel: opts.kernel } : {}) }) as OciSeccomp;
}
