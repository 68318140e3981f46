#!/usr/bin/env -S node --max-semi-space-size=2 --v8-pool-size=1 --expose-gc
// berthd: reads its configuration, takes the data root's lock, opens the engine and serves
// the Engine API on a Unix socket until SIGTERM or SIGINT.

import { chmod, chown, mkdir, readFile, realpath, rm, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { errorMessage } from '../core/errors.js';
import { openEngine } from '../engine/engine.js';
import { createApiServer } from '../server/server.js';
import { LockHeldError, acquireProcessLock } from '../util/process-lock.js';
import {
  ConfigError,
  type DaemonConfig,
  daemonUsage,
  parseDaemonArgs,
  readConfigFile,
  resolveConfig,
  socketPath,
} from './daemon-config.js';

interface BuildInfo {
  version: string;
  gitCommit: string;
  buildTime: string;
}

async function buildInfo(): Promise<BuildInfo> {
  const top = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const pkg = JSON.parse(await readFile(join(top, 'package.json'), 'utf8')) as { version: string };
  try {
    const b = JSON.parse(await readFile(join(top, 'dist', 'build-info.json'), 'utf8')) as Partial<BuildInfo>;
    return { version: pkg.version, gitCommit: b.gitCommit ?? '', buildTime: b.buildTime ?? '' };
  } catch {
    return { version: pkg.version, gitCommit: '', buildTime: '' };
  }
}

async function main(): Promise<void> {
  let config: DaemonConfig;
  let validate = false;
  try {
    const args = parseDaemonArgs(process.argv.slice(2));
    if (args.help) {
      process.stdout.write(daemonUsage());
      return;
    }
    if (args.version) {
      process.stdout.write(`berthd version ${(await buildInfo()).version}\n`);
      return;
    }
    validate = args.validate;
    const file = await readConfigFile(args.configFile, args.explicitConfigFile);
    config = resolveConfig(args.flags, file);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`berthd: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  if (validate) {
    process.stdout.write('configuration OK\n');
    return;
  }
  const log = pino({ level: config.logLevel, base: { pid: process.pid } }, pino.destination(2));
  await run(config, log);
}

async function run(config: DaemonConfig, log: Logger): Promise<void> {
  const started = process.hrtime.bigint();
  if (process.getuid?.() !== 0) log.warn('berthd is not running as root: mounts and containers will fail');
  await mkdir(config.dataRoot, { recursive: true, mode: 0o711 });
  const dataRoot = await realpath(config.dataRoot);
  let lock;
  try {
    lock = await acquireProcessLock(dataRoot, 'berthd-data-root');
  } catch (err) {
    if (err instanceof LockHeldError) {
      const pid = await readFile(config.pidfile, 'utf8').catch(() => '');
      log.fatal(
        { dataRoot },
        `another berthd is using data root ${dataRoot}${pid.trim() ? ` (pid ${pid.trim()})` : ''}; give each daemon its own --data-root`,
      );
      process.exit(1);
    }
    throw err;
  }
  await mkdir(config.execRoot, { recursive: true, mode: 0o711 });
  await mkdir(dirname(config.pidfile), { recursive: true });
  await writeFile(config.pidfile, `${process.pid}\n`);

  const info = await buildInfo();
  const engine = await openEngine(
    {
      version: info.version,
      gitCommit: info.gitCommit,
      buildTime: info.buildTime,
      dataRoot,
      execRoot: config.execRoot,
      debug: config.debug,
      storageDriver: config.storageDriver,
      runtimes: config.runtimes,
      defaultRuntime: config.defaultRuntime,
      initBinary: config.initPath ?? 'tini-static',
      cgroupParent: config.cgroupParent,
      insecureRegistries: config.insecureRegistries,
      registryMirrors: config.registryMirrors,
      maxConcurrentDownloads: config.maxConcurrentDownloads,
      maxConcurrentUploads: config.maxConcurrentUploads,
      labels: config.labels,
      liveRestore: config.liveRestore,
      network: {
        bridge: config.bridge,
        ...(config.bip ? { bip: config.bip } : {}),
        defaultAddressPools: config.defaultAddressPools,
        dns: config.dns,
      },
    },
    log.child({ module: 'engine' }),
  );

  const app = createApiServer({
    backends: {
      system: engine.system,
      events: engine.events,
      images: engine.images,
      imageTransfer: engine.imageTransfer,
      containers: engine.containers,
      containerIo: engine.containerIo,
      containerFiles: engine.containerFiles,
      exec: engine.exec,
      networks: engine.networks,
      volumes: engine.volumes,
    },
    identity: { version: info.version },
    logger: log.child({ module: 'api' }),
  });
  const sockets = config.hosts.map(socketPath);
  for (const path of sockets) {
    await mkdir(dirname(path), { recursive: true });
    // We hold the data root's lock, so a socket file here is a leftover of a dead daemon.
    await unlink(path).catch(() => undefined);
  }
  await app.listen({ path: sockets[0]! });
  for (const extra of sockets.slice(1)) {
    await new Promise<void>((resolve, reject) => app.server.listen(extra, resolve).once('error', reject));
  }
  for (const path of sockets) {
    await chmod(path, 0o660);
    if (config.group) await chownGroup(path, config.group, log);
  }
  const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
  log.info({ sockets, dataRoot, driver: engine.settings.storageDriver, readyMs: Math.round(readyMs) }, `API listen on ${sockets.join(', ')}`);

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) {
      log.warn(`${signal} again: exiting at once`);
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    // Streams such as `events` and `logs --follow` never end on their own: give requests a
    // moment, then drop the connections.
    const force = setTimeout(() => app.server.closeAllConnections(), 2000);
    force.unref();
    await app.close().catch((err: unknown) => log.error({ err }, 'closing the API server'));
    clearTimeout(force);
    await engine.close().catch((err: unknown) => log.error({ err }, 'closing the engine'));
    for (const path of sockets) await rm(path, { force: true });
    await rm(config.pidfile, { force: true });
    await lock.release();
    log.info('shutdown complete');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // An error nobody handled is a bug (tests fail on these log lines), but one bad request
  // must not take the daemon, and every client with it, down.
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
  process.on('uncaughtException', (err) => log.error({ err }, 'uncaught exception'));
}

async function chownGroup(path: string, group: string, log: Logger): Promise<void> {
  try {
    const text = await readFile('/etc/group', 'utf8');
    const line = text.split('\n').find((l) => l.split(':')[0] === group);
    const gid = line === undefined ? Number.NaN : Number(line.split(':')[2]);
    if (Number.isNaN(gid)) {
      log.warn({ group }, `group ${group} not found; the socket stays root-owned`);
      return;
    }
    await chown(path, 0, gid);
  } catch (err) {
    log.warn({ err: errorMessage(err), group }, 'cannot set the socket group');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`berthd: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
