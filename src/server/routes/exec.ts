// Exec routes: create, start without Upgrade (or detached), resize, inspect. Start with
// Upgrade arrives through upgrade.ts.

import { apiVersionBefore } from '../../api/version.js';
import { toExecConfig, toExecStart } from '../convert/exec.js';
import { parseDetachKeys, pumpSession, startErrorBytes, streamContentType } from '../hijack.js';
import type { RouteTable } from '../http-app.js';
import { sendJson } from '../reply.js';
import { apiVersion, int, query } from '../request.js';
import type { RouteContext } from '../route-context.js';

type Params = { id: string };

export function registerExecRoutes(app: RouteTable, ctx: RouteContext): void {
  const { exec } = ctx.backends;

  app.post<Params>('/containers/:id/exec', async (req, reply) => {
    const id = exec.create(req.params.id, toExecConfig(req.body));
    return sendJson(reply, { Id: id }, 201);
  });

  app.post<Params>('/exec/:id/start', async (req, reply) => {
    const opts = toExecStart(req.body);
    const e = exec.checkStart(req.params.id);
    if (opts.detach) {
      await exec.start(e.id, opts);
      return reply.code(200).header('Content-Type', 'application/json').send();
    }
    const tty = opts.tty ?? e.config.tty;
    // Without Upgrade: a bare 200 on the socket, no length, closed at the end.
    reply.hijack();
    const socket = req.raw.socket;
    socket.write(`HTTP/1.1 200 OK\r\nContent-Type: ${streamContentType(tty, !apiVersionBefore(apiVersion(req), '1.42'))}\r\n\r\n`);
    let started;
    try {
      started = await exec.start(e.id, opts);
    } catch (err) {
      socket.end(startErrorBytes(err, tty));
      return;
    }
    if (!started.session) {
      socket.end();
      return;
    }
    pumpSession(socket, started.session, { tty, stdin: false, detachKeys: parseDetachKeys(e.config.detachKeys), beforeEnd: started.done });
  });

  app.post<Params>('/exec/:id/resize', async (req, reply) => {
    const q = query(req);
    await exec.resize(req.params.id, { rows: int(q, 'h') ?? 0, cols: int(q, 'w') ?? 0 });
    return reply.code(200).header('Content-Type', 'text/plain; charset=utf-8').send('');
  });

  app.get<Params>('/exec/:id/json', async (req, reply) => {
    const e = exec.get(req.params.id);
    const [entrypoint, ...args] = e.config.cmd;
    return sendJson(reply, {
      ID: e.id,
      ContainerID: e.containerId,
      Running: e.running,
      ExitCode: e.exitCode,
      Pid: e.pid,
      OpenStdin: e.config.attachStdin,
      OpenStderr: e.config.attachStderr,
      OpenStdout: e.config.attachStdout,
      CanRemove: false,
      DetachKeys: e.config.detachKeys,
      ProcessConfig: {
        tty: e.config.tty,
        entrypoint: entrypoint ?? '',
        arguments: args,
        privileged: e.config.privileged,
        ...(e.config.user ? { user: e.config.user } : {}),
      },
    });
  });
}
