// `berth version`: the client's and the daemon's versions in docker's layout (version.go's
// template through a tab writer with 20-column cells). If the daemon cannot be asked, the
// client part is printed and the error after it (exit 1), as docker does.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { VersionWire } from '../../../api/types/system.js';
import { API_VERSION } from '../../../api/version.js';
import { systemVersion } from '../../../client/system.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { FormatError } from '../../output/errors.js';
import { GoTemplate, templateFunc } from '../../output/go-template.js';
import { TabWriter } from '../../output/tab-writer.js';
import { TemplateError } from '../../output/template-error.js';
import { reformatDate } from '../go-time.js';

export interface VersionOptions {
  format?: string;
}

/** What berth knows about itself, the client side of the output. */
export interface ClientVersionInfo {
  version: string;
  gitCommit: string;
  buildTime: string;
}

const DEFAULT_TEMPLATE = `{{with .Client -}}
Client:{{if ne .Platform nil}}{{if ne .Platform.Name ""}} {{.Platform.Name}}{{end}}{{end}}
 Version:\t{{.Version}}
 API version:\t{{.APIVersion}}{{if ne .APIVersion .DefaultAPIVersion}} (downgraded from {{.DefaultAPIVersion}}){{end}}
 Go version:\t{{.GoVersion}}
 Git commit:\t{{.GitCommit}}
 Built:\t{{.BuildTime}}
 OS/Arch:\t{{.Os}}/{{.Arch}}
 Context:\t{{.Context}}
{{- end}}

{{- if ne .Server nil}}{{with .Server}}

Server:{{if ne .Platform.Name ""}} {{.Platform.Name}}{{end}}
 {{- range $component := .Components}}
 {{$component.Name}}:
  {{- if eq $component.Name "Engine" }}
  Version:\t{{.Version}}
  API version:\t{{index .Details "ApiVersion"}} (minimum version {{index .Details "MinAPIVersion"}})
  Go version:\t{{index .Details "GoVersion"}}
  Git commit:\t{{index .Details "GitCommit"}}
  Built:\t{{index .Details "BuildTime"}}
  OS/Arch:\t{{index .Details "Os"}}/{{index .Details "Arch"}}
  Experimental:\t{{index .Details "Experimental"}}
  {{- else }}
  Version:\t{{$component.Version}}
  {{- $detailsOrder := getDetailsOrder $component}}
  {{- range $key := $detailsOrder}}
  {{$key}}:\t{{index $component.Details $key}}
   {{- end}}
  {{- end}}
 {{- end}}
 {{- end}}{{- end}}`;

export const versionCommand: CommandSpec<VersionOptions> = {
  name: 'version',
  usage: '[OPTIONS]',
  description: 'Show the berth version information',
  args: { max: 0 },
  options: [{ flags: '-f, --format <string>', description: "Format output using a custom template: 'json', 'TEMPLATE'" }],
  run: (cli, _args, opts) => runVersion(cli, opts),
};

/** berth's version from its package.json, read on use (not at startup). */
export function berthClientVersion(): ClientVersionInfo {
  const pkg = fileURLToPath(new URL('../../../../../package.json', import.meta.url));
  const { version } = JSON.parse(readFileSync(pkg, 'utf8')) as { version: string };
  return { version, gitCommit: '', buildTime: '' };
}

export async function runVersion(cli: Cli, opts: VersionOptions, client: ClientVersionInfo = berthClientVersion()): Promise<void> {
  const format = opts.format ?? '';
  let tmpl: GoTemplate;
  try {
    tmpl = GoTemplate.parse(format === '' ? DEFAULT_TEMPLATE : format === 'json' ? '{{json .}}' : format, {
      name: 'version',
      funcs: { getDetailsOrder: templateFunc(['any'], (c: { Details?: Record<string, string> }) => Object.keys(c.Details ?? {}).sort()) },
    });
  } catch (err) {
    if (err instanceof TemplateError) throw new FormatError(`template parsing error: ${err.message}`, 64, { cause: err });
    throw err;
  }
  let server: VersionWire | undefined;
  let failure: unknown;
  try {
    server = await systemVersion(cli.client());
  } catch (err) {
    failure = err;
  }
  const data = {
    Client: clientData(client, server?.ApiVersion ?? API_VERSION),
    Server: server ? serverData(server) : null,
  };
  const tw = new TabWriter(cli.out, { minWidth: 20, tabWidth: 1, padding: 1, padChar: ' ' });
  let execError: unknown;
  try {
    tmpl.executeTo((chunk) => tw.write(chunk), data, { typeName: (v) => (v === data ? 'system.versionInfo' : undefined) });
  } catch (err) {
    execError = err;
  }
  tw.write('\n');
  tw.flush();
  if (failure !== undefined) throw failure;
  if (execError instanceof TemplateError) throw new FormatError(execError.message, 1, { cause: execError });
  if (execError !== undefined) throw execError;
}

/**
 * docker's clientVersion in its field order. JSON leaves out the empty fields (Go's omitempty)
 * but templates can still read them, and by their Go names (`.APIVersion`).
 */
export function clientData(c: ClientVersionInfo, apiVersion: string): Record<string, unknown> {
  const fields: [string, string][] = [
    ['Version', c.version],
    ['ApiVersion', apiVersion],
    ['DefaultAPIVersion', API_VERSION],
    ['GitCommit', c.gitCommit],
    ['GoVersion', `node${process.versions.node}`],
    ['Os', process.platform],
    ['Arch', goArch(process.arch)],
    ['BuildTime', reformatDate(c.buildTime)],
  ];
  const out: Record<string, unknown> = {};
  for (const [k, v] of fields) if (v !== '') out[k] = v;
  out.Context = 'default';
  Object.defineProperties(out, {
    Platform: { value: null, enumerable: false },
    APIVersion: { value: apiVersion, enumerable: false },
  });
  for (const [k, v] of fields) if (!(k in out)) Object.defineProperty(out, k, { value: v, enumerable: false });
  return out;
}

/** The daemon's answer with the Engine's BuildTime reformatted, and an Engine made up if missing. */
function serverData(v: VersionWire): Record<string, unknown> {
  const components = (v.Components ?? []).map((c) => {
    const details = Object.fromEntries(Object.entries(c.Details ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    if (c.Name === 'Engine' && details.BuildTime !== undefined) details.BuildTime = reformatDate(details.BuildTime);
    return { ...c, Details: details };
  });
  if (!components.some((c) => c.Name === 'Engine')) {
    components.push({
      Name: 'Engine',
      Version: v.Version,
      Details: {
        ApiVersion: v.ApiVersion,
        Arch: v.Arch,
        BuildTime: reformatDate(v.BuildTime ?? ''),
        Experimental: String(!!v.Experimental),
        GitCommit: v.GitCommit,
        GoVersion: v.GoVersion,
        MinAPIVersion: v.MinAPIVersion,
        Os: v.Os,
      },
    });
  }
  // types.Version in Go field order; JSON leaves out the omitempty fields when empty.
  const out: Record<string, unknown> = {
    Platform: v.Platform ?? { Name: '' },
    Components: components,
    Version: v.Version,
    ApiVersion: v.ApiVersion,
  };
  const optional: [string, unknown][] = [
    ['MinAPIVersion', v.MinAPIVersion ?? ''],
    ['GitCommit', v.GitCommit ?? ''],
    ['GoVersion', v.GoVersion ?? ''],
    ['Os', v.Os ?? ''],
    ['Arch', v.Arch ?? ''],
    ['KernelVersion', v.KernelVersion ?? ''],
    ['Experimental', !!v.Experimental],
    ['BuildTime', v.BuildTime ?? ''],
  ];
  const omitEmpty = new Set(['MinAPIVersion', 'KernelVersion', 'Experimental', 'BuildTime']);
  for (const [k, value] of optional) {
    if (omitEmpty.has(k) && (value === '' || value === false)) Object.defineProperty(out, k, { value, enumerable: false });
    else out[k] = value;
  }
  Object.defineProperty(out, 'APIVersion', { value: v.ApiVersion, enumerable: false });
  return out;
}

/** Go's GOARCH for Node's process.arch. */
export function goArch(arch: string): string {
  switch (arch) {
    case 'x64':
      return 'amd64';
    case 'ia32':
      return '386';
    case 'ppc64':
      return 'ppc64le';
    default:
      return arch;
  }
}
