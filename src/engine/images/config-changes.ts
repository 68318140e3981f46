// `--change` for import and commit: Dockerfile instructions that edit an image's runtime
// config. Lines are split by dockerfile-ast, the same parser the builder uses, so quoting and
// line continuations behave as in a Dockerfile.

import type { Instruction, Property } from 'dockerfile-ast';
import { EngineError } from '../../core/errors.js';
import type { ImageRuntimeConfig } from '../../oci/image.js';

const ALLOWED = new Set(['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'ONBUILD', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR']);

export async function applyConfigChanges(base: ImageRuntimeConfig, changes: readonly string[]): Promise<ImageRuntimeConfig> {
  const cfg: ImageRuntimeConfig = structuredClone(base);
  if (changes.every((c) => c.trim() === '')) return cfg;
  // Loaded on first use: the parser is only needed when there are changes.
  const { DockerfileParser } = await import('dockerfile-ast');
  for (const change of changes) {
    if (change.trim() === '') continue;
    const doc = DockerfileParser.parse(change);
    for (const ins of doc.getInstructions()) applyOne(cfg, ins);
  }
  return cfg;
}

function applyOne(cfg: ImageRuntimeConfig, ins: Instruction): void {
  const keyword = ins.getKeyword().toUpperCase();
  if (!ALLOWED.has(keyword)) throw new EngineError('invalid-argument', `${keyword} is not a valid change command`);
  const raw = (ins.getArgumentsContent() ?? '').trim();
  switch (keyword) {
    case 'CMD':
      cfg.Cmd = commandForm(raw, keyword);
      break;
    case 'ENTRYPOINT':
      cfg.Entrypoint = commandForm(raw, keyword);
      break;
    case 'ENV':
      for (const [k, v] of properties(ins, keyword)) {
        const env = (cfg.Env ?? []).filter((e) => e.split('=', 1)[0] !== k);
        env.push(`${k}=${v}`);
        cfg.Env = env;
      }
      break;
    case 'LABEL':
      for (const [k, v] of properties(ins, keyword)) cfg.Labels = { ...(cfg.Labels ?? {}), [k]: v };
      break;
    case 'EXPOSE':
      for (const port of raw.split(/\s+/).filter(Boolean)) {
        for (const p of expandPort(port)) cfg.ExposedPorts = { ...(cfg.ExposedPorts ?? {}), [p]: {} };
      }
      break;
    case 'ONBUILD':
      cfg.OnBuild = [...(cfg.OnBuild ?? []), raw];
      break;
    case 'STOPSIGNAL':
      cfg.StopSignal = requireArg(raw, keyword);
      break;
    case 'USER':
      cfg.User = requireArg(raw, keyword);
      break;
    case 'VOLUME': {
      const vols = jsonArray(raw) ?? raw.split(/\s+/).filter(Boolean);
      if (vols.length === 0) throw new EngineError('invalid-argument', 'VOLUME specified can not be an empty string');
      for (const v of vols) cfg.Volumes = { ...(cfg.Volumes ?? {}), [v]: {} };
      break;
    }
    case 'WORKDIR': {
      const dir = requireArg(raw, keyword);
      cfg.WorkingDir = dir.startsWith('/') ? dir : `${(cfg.WorkingDir ?? '/').replace(/\/$/, '')}/${dir}`;
      break;
    }
  }
}

function requireArg(raw: string, keyword: string): string {
  if (raw === '') throw new EngineError('invalid-argument', `${keyword} requires exactly one argument`);
  return raw;
}

/** The exec form when the arguments are a JSON array of strings, else the shell form. */
function commandForm(raw: string, keyword: string): string[] {
  if (raw === '') throw new EngineError('invalid-argument', `${keyword} requires at least one argument`);
  return jsonArray(raw) ?? ['/bin/sh', '-c', raw];
}

function jsonArray(raw: string): string[] | undefined {
  if (!raw.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(raw);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch {
    // Not JSON: Docker then takes the text as the shell form.
  }
  return undefined;
}

function properties(ins: Instruction, keyword: string): [string, string][] {
  const withProps = ins as Instruction & { getProperties?: () => Property[] };
  const props = withProps.getProperties?.() ?? [];
  if (props.length === 0) throw new EngineError('invalid-argument', `${keyword} requires at least one argument`);
  return props.map((p) => [p.getName(), p.getValue() ?? '']);
}

function expandPort(spec: string): string[] {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(spec);
  if (!m) throw new EngineError('invalid-argument', `invalid containerPort: ${spec}`);
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  const proto = (m[3] ?? 'tcp').toLowerCase();
  if (start < 1 || end > 65535 || end < start) throw new EngineError('invalid-argument', `invalid range specified for container port: ${spec}`);
  const out: string[] = [];
  for (let p = start; p <= end; p++) out.push(`${p}/${proto}`);
  return out;
}
