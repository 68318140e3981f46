// Format selection tests. The list and inspect tables were recorded from the docker CLI
// 28.2.2 against a stub daemon: `docker images` (four rows: two tags of one image, a long
// registry name, a dangling image) and `docker inspect --type container c1 c1`.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { FormatError } from './errors.js';
import {
  contextJson,
  formatTemplateText,
  headerTemplateFuncs,
  selectListFormat,
  writeInspect,
  writeList,
  type ListFormatOptions,
} from './format.js';
import { GoTemplate } from './go-template.js';

function sink(): { write(s: string): void; text(): string; writes: string[] } {
  const writes: string[] = [];
  return { write: (s) => writes.push(s), text: () => writes.join(''), writes };
}

type Row = Readonly<Record<string, string>>;

// What docker's imageContext methods returned for the stub daemon's images.
const imageRows: readonly Row[] = [
  { Containers: 'N/A', CreatedAt: '1970-01-01 00:00:00 +0000 UTC', CreatedSince: '56 years ago', Digest: '<none>', ID: '9c7a54a9a43c', Repository: 'alpine', SharedSize: 'N/A', Size: '7.8MB', Tag: 'latest', UniqueSize: 'N/A', VirtualSize: '7.798MB' },
  { Containers: 'N/A', CreatedAt: '1970-01-01 00:00:00 +0000 UTC', CreatedSince: '56 years ago', Digest: '<none>', ID: '9c7a54a9a43c', Repository: 'alpine', SharedSize: 'N/A', Size: '7.8MB', Tag: '3.20', UniqueSize: 'N/A', VirtualSize: '7.798MB' },
  { Containers: '2', CreatedAt: '1970-01-01 00:00:00 +0000 UTC', CreatedSince: '56 years ago', Digest: '<none>', ID: '111111111111', Repository: 'registry.example.com:5000/team/very-long-image-name', SharedSize: 'N/A', Size: '1.23GB', Tag: 'v1.2.3-beta', UniqueSize: 'N/A', VirtualSize: '1.235GB' },
  { Containers: 'N/A', CreatedAt: '1970-01-01 00:00:00 +0000 UTC', CreatedSince: '56 years ago', Digest: '<none>', ID: 'abcdefabcdef', Repository: '<none>', SharedSize: 'N/A', Size: '999B', Tag: '<none>', UniqueSize: 'N/A', VirtualSize: '999B' },
];

// docker's imageContext: every column is a method.
function imageContext(row: Row): object {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, () => v]));
}

const imageHeaders = {
  ID: 'IMAGE ID',
  Repository: 'REPOSITORY',
  Tag: 'TAG',
  Digest: 'DIGEST',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  Size: 'SIZE',
  Containers: 'CONTAINERS',
  VirtualSize: 'SIZE',
  SharedSize: 'SHARED SIZE',
  UniqueSize: 'UNIQUE SIZE',
};

function imageOptions(format: string, quiet: boolean): ListFormatOptions<Row> {
  return {
    format,
    quiet,
    defaultTable: 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}',
    rawFormat: quiet
      ? 'image_id: {{.ID}}'
      : 'repository: {{ .Repository }}\ntag: {{.Tag}}\nimage_id: {{.ID}}\ncreated_at: {{.CreatedAt}}\nvirtual_size: {{.Size}}\n',
    headers: imageHeaders,
    context: imageContext,
    typeName: '*formatter.imageContext',
  };
}

type Expected = { out: string } | { err: string };

const listCases: readonly (readonly [string, boolean, Expected])[] = [
  ['', false, { out: 'REPOSITORY                                            TAG           IMAGE ID       CREATED        SIZE\nalpine                                                latest        9c7a54a9a43c   56 years ago   7.8MB\nalpine                                                3.20          9c7a54a9a43c   56 years ago   7.8MB\nregistry.example.com:5000/team/very-long-image-name   v1.2.3-beta   111111111111   56 years ago   1.23GB\n<none>                                                <none>        abcdefabcdef   56 years ago   999B\n' }],
  ['', true, { out: '9c7a54a9a43c\n9c7a54a9a43c\n111111111111\nabcdefabcdef\n' }],
  ['table', false, { out: 'REPOSITORY                                            TAG           IMAGE ID       CREATED        SIZE\nalpine                                                latest        9c7a54a9a43c   56 years ago   7.8MB\nalpine                                                3.20          9c7a54a9a43c   56 years ago   7.8MB\nregistry.example.com:5000/team/very-long-image-name   v1.2.3-beta   111111111111   56 years ago   1.23GB\n<none>                                                <none>        abcdefabcdef   56 years ago   999B\n' }],
  ['table', true, { out: '9c7a54a9a43c\n9c7a54a9a43c\n111111111111\nabcdefabcdef\n' }],
  ['json', false, { out: '{"Containers":"N/A","CreatedAt":"1970-01-01 00:00:00 +0000 UTC","CreatedSince":"56 years ago","Digest":"\\u003cnone\\u003e","ID":"9c7a54a9a43c","Repository":"alpine","SharedSize":"N/A","Size":"7.8MB","Tag":"latest","UniqueSize":"N/A","VirtualSize":"7.798MB"}\n{"Containers":"N/A","CreatedAt":"1970-01-01 00:00:00 +0000 UTC","CreatedSince":"56 years ago","Digest":"\\u003cnone\\u003e","ID":"9c7a54a9a43c","Repository":"alpine","SharedSize":"N/A","Size":"7.8MB","Tag":"3.20","UniqueSize":"N/A","VirtualSize":"7.798MB"}\n{"Containers":"2","CreatedAt":"1970-01-01 00:00:00 +0000 UTC","CreatedSince":"56 years ago","Digest":"\\u003cnone\\u003e","ID":"111111111111","Repository":"registry.example.com:5000/team/very-long-image-name","SharedSize":"N/A","Size":"1.23GB","Tag":"v1.2.3-beta","UniqueSize":"N/A","VirtualSize":"1.235GB"}\n{"Containers":"N/A","CreatedAt":"1970-01-01 00:00:00 +0000 UTC","CreatedSince":"56 years ago","Digest":"\\u003cnone\\u003e","ID":"abcdefabcdef","Repository":"\\u003cnone\\u003e","SharedSize":"N/A","Size":"999B","Tag":"\\u003cnone\\u003e","UniqueSize":"N/A","VirtualSize":"999B"}\n' }],
  ['raw', false, { out: 'repository: alpine\ntag: latest\nimage_id: 9c7a54a9a43c\ncreated_at: 1970-01-01 00:00:00 +0000 UTC\nvirtual_size: 7.8MB\n\nrepository: alpine\ntag: 3.20\nimage_id: 9c7a54a9a43c\ncreated_at: 1970-01-01 00:00:00 +0000 UTC\nvirtual_size: 7.8MB\n\nrepository: registry.example.com:5000/team/very-long-image-name\ntag: v1.2.3-beta\nimage_id: 111111111111\ncreated_at: 1970-01-01 00:00:00 +0000 UTC\nvirtual_size: 1.23GB\n\nrepository: <none>\ntag: <none>\nimage_id: abcdefabcdef\ncreated_at: 1970-01-01 00:00:00 +0000 UTC\nvirtual_size: 999B\n\n' }],
  ['raw', true, { out: 'image_id: 9c7a54a9a43c\nimage_id: 9c7a54a9a43c\nimage_id: 111111111111\nimage_id: abcdefabcdef\n' }],
  ['{{.ID}}\\t{{.Repository}}', false, { out: '9c7a54a9a43c\talpine\n9c7a54a9a43c\talpine\n111111111111\tregistry.example.com:5000/team/very-long-image-name\nabcdefabcdef\t<none>\n' }],
  ['{{.ID}}\\t{{.Repository}}', true, { out: '9c7a54a9a43c\talpine\n9c7a54a9a43c\talpine\n111111111111\tregistry.example.com:5000/team/very-long-image-name\nabcdefabcdef\t<none>\n' }],
  ['table {{.ID}}\\t{{.Repository}}:{{.Tag}}', false, { out: 'IMAGE ID       REPOSITORY:TAG\n9c7a54a9a43c   alpine:latest\n9c7a54a9a43c   alpine:3.20\n111111111111   registry.example.com:5000/team/very-long-image-name:v1.2.3-beta\nabcdefabcdef   <none>:<none>\n' }],
  ['table {{.ID}}\\t{{.Repository}}:{{.Tag}}', true, { out: 'IMAGE ID       REPOSITORY:TAG\n9c7a54a9a43c   alpine:latest\n9c7a54a9a43c   alpine:3.20\n111111111111   registry.example.com:5000/team/very-long-image-name:v1.2.3-beta\nabcdefabcdef   <none>:<none>\n' }],
  ['table {{json .}}', false, { out: '\n{"Containers":"N/A","CreatedAt":"1970-01-01 00:00:00 +0000 UTC","CreatedSince":"56 years ago","Digest":"\\u003cnone\\u003e","ID":"9c7a54a9a43c","Repository":"alpine","SharedSize":"N/A","Size":"7.8MB","Tag":"latest","UniqueSize":"N/A","VirtualSize":"7.798MB"}\n{"Containers":"N/A","CreatedAt":"1970-01-01 00:00:00 +0000 UTC","CreatedSince":"56 years ago","Digest":"\\u003cnone\\u003e","ID":"9c7a54a9a43c","Repository":"alpine","SharedSize":"N/A","Size":"7.8MB","Tag":"3.20","UniqueSize":"N/A","VirtualSize":"7.798MB"}\n{"Containers":"2","CreatedAt":"1970-01-01 00:00:00 +0000 UTC","CreatedSince":"56 years ago","Digest":"\\u003cnone\\u003e","ID":"111111111111","Repository":"registry.example.com:5000/team/very-long-image-name","SharedSize":"N/A","Size":"1.23GB","Tag":"v1.2.3-beta","UniqueSize":"N/A","VirtualSize":"1.235GB"}\n{"Containers":"N/A","CreatedAt":"1970-01-01 00:00:00 +0000 UTC","CreatedSince":"56 years ago","Digest":"\\u003cnone\\u003e","ID":"abcdefabcdef","Repository":"\\u003cnone\\u003e","SharedSize":"N/A","Size":"999B","Tag":"\\u003cnone\\u003e","UniqueSize":"N/A","VirtualSize":"999B"}\n' }],
  ['table {{.Size | json}}\\t{{upper .Repository}}\\t{{pad .Tag 1 1}}|', false, { out: 'SIZE       REPOSITORY                                             TAG |\n"7.8MB"    ALPINE                                                 latest |\n"7.8MB"    ALPINE                                                 3.20 |\n"1.23GB"   REGISTRY.EXAMPLE.COM:5000/TEAM/VERY-LONG-IMAGE-NAME    v1.2.3-beta |\n"999B"     <NONE>                                                 <none> |\n' }],
  ['table {{.ID}}\\t{{.Nope}}', false, { err: 'template parsing error: template: :1:10: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.imageContext' }],
  ['{{.Nope}}', false, { err: 'template parsing error: template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.imageContext' }],
  ['table {{.Repository}}\\t{{truncate .ID 4}}\\t{{printf "%.3s" .Tag}}', false, { out: 'REPOSITORY                                            IMAGE ID   TAG\nalpine                                                9c7a       lat\nalpine                                                9c7a       3.2\nregistry.example.com:5000/team/very-long-image-name   1111       v1.\n<none>                                                abcd       <no\n' }],
  ['table   {{.ID}}  ', false, { out: 'IMAGE ID\n9c7a54a9a43c\n9c7a54a9a43c\n111111111111\nabcdefabcdef\n' }],
  [' table {{.ID}}', false, { out: 'table 9c7a54a9a43c\ntable 9c7a54a9a43c\ntable 111111111111\ntable abcdefabcdef\n' }],
  ['tablefoo {{.ID}}', false, { out: 'foo IMAGE ID\nfoo 9c7a54a9a43c\nfoo 9c7a54a9a43c\nfoo 111111111111\nfoo abcdefabcdef\n' }],
  ['{{.ID}}\\n', false, { out: '9c7a54a9a43c\n\n9c7a54a9a43c\n\n111111111111\n\nabcdefabcdef\n\n' }],
  ['table {{.ID}}\\t{{.Tag}}\\n', false, { out: 'IMAGE ID   TAG\n\n9c7a54a9a43c   latest\n\n9c7a54a9a43c   3.20\n\n111111111111   v1.2.3-beta\n\nabcdefabcdef   <none>\n\n' }],
  ['table {{if .CreatedSince}}{{.CreatedSince}}{{else}}N/A{{end}}\\t{{$.ID}}\\t{{.Containers}}', false, { out: 'CREATED        IMAGE ID       CONTAINERS\n56 years ago   9c7a54a9a43c   N/A\n56 years ago   9c7a54a9a43c   N/A\n56 years ago   111111111111   2\n56 years ago   abcdefabcdef   N/A\n' }],
  ['{{json .Repository}} {{.Repository | lower | title}}', false, { out: '"alpine" Alpine\n"alpine" Alpine\n"registry.example.com:5000/team/very-long-image-name" Registry.Example.Com:5000/Team/Very-Long-Image-Name\n"<none>" <None>\n' }],
  ['{{foo}}', false, { err: 'template parsing error: template: :1: function "foo" not defined' }],
  ['table {{.Repository}} {{split .Tag "."}}', false, { out: 'REPOSITORY TAG\nalpine [latest]\nalpine [3 20]\nregistry.example.com:5000/team/very-long-image-name [v1 2 3-beta]\n<none> [<none>]\n' }],
];

describe('writeList against docker images (CLI 28.2.2)', () => {
  for (const [format, quiet, want] of listCases) {
    test(`--format ${JSON.stringify(format)}${quiet ? ' --quiet' : ''}`, () => {
      const out = sink();
      let got: Expected;
      try {
        writeList(out, imageRows, imageOptions(format, quiet));
        got = { out: out.text() };
      } catch (err) {
        assert.ok(err instanceof FormatError);
        assert.equal(err.exitCode, 1);
        assert.equal(out.writes.length, 0, 'nothing is written when a row fails');
        got = { err: err.message };
      }
      assert.deepEqual(got, want);
    });
  }
});

// The container the stub daemon returned for `docker inspect c1`.
const container = {
  Id: 'c1id',
  Name: '/c1',
  State: { Status: 'running', Running: true, Pid: 42 },
  Config: { Labels: { z: '1', a: '<b>&' }, Env: ['A=1', 'B=2'], Cmd: null },
  Extra: { k: [1, 2.5, 'x', null, true] },
  Mounts: [],
};

const inspectCases: readonly (readonly [string, string, { exitCode: number; message: string } | undefined])[] = [
  ['', '[\n    {\n        "Id": "c1id",\n        "Name": "/c1",\n        "State": {\n            "Status": "running",\n            "Running": true,\n            "Pid": 42\n        },\n        "Config": {\n            "Labels": {\n                "z": "1",\n                "a": "<b>&"\n            },\n            "Env": [\n                "A=1",\n                "B=2"\n            ],\n            "Cmd": null\n        },\n        "Extra": {\n            "k": [\n                1,\n                2.5,\n                "x",\n                null,\n                true\n            ]\n        },\n        "Mounts": []\n    },\n    {\n        "Id": "c1id",\n        "Name": "/c1",\n        "State": {\n            "Status": "running",\n            "Running": true,\n            "Pid": 42\n        },\n        "Config": {\n            "Labels": {\n                "z": "1",\n                "a": "<b>&"\n            },\n            "Env": [\n                "A=1",\n                "B=2"\n            ],\n            "Cmd": null\n        },\n        "Extra": {\n            "k": [\n                1,\n                2.5,\n                "x",\n                null,\n                true\n            ]\n        },\n        "Mounts": []\n    }\n]\n', undefined],
  ['json', '[{"Id":"c1id","Name":"/c1","State":{"Status":"running","Running":true,"Pid":42},"Config":{"Labels":{"z":"1","a":"<b>&"},"Env":["A=1","B=2"],"Cmd":null},"Extra":{"k":[1,2.5,"x",null,true]},"Mounts":[]},{"Id":"c1id","Name":"/c1","State":{"Status":"running","Running":true,"Pid":42},"Config":{"Labels":{"z":"1","a":"<b>&"},"Env":["A=1","B=2"],"Cmd":null},"Extra":{"k":[1,2.5,"x",null,true]},"Mounts":[]}]\n', undefined],
  ['{{.Name}}', '/c1\n/c1\n', undefined],
  ['{{.Extra}}', 'map[k:[1 2.5 x <nil> true]]\nmap[k:[1 2.5 x <nil> true]]\n', undefined],
  ['{{.Extra.k}}', '[1 2.5 x <nil> true]\n[1 2.5 x <nil> true]\n', undefined],
  ['{{.Config.Labels}}', 'map[a:<b>& z:1]\nmap[a:<b>& z:1]\n', undefined],
  ['{{json .Extra}}', '{"k":[1,2.5,"x",null,true]}\n{"k":[1,2.5,"x",null,true]}\n', undefined],
  ['{{range .Extra.k}}[{{.}}]{{end}}', '[1][2.5][x][<no value>][true]\n[1][2.5][x][<no value>][true]\n', undefined],
  ['{{.Nope}}', '\n', { exitCode: 1, message: 'template parsing error: template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"\ntemplate parsing error: template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"' }],
  ['{{.Extra.nope}}', '\n', { exitCode: 1, message: 'template parsing error: template: :1:8: executing "" at <.Extra.nope>: map has no entry for key "nope"\ntemplate parsing error: template: :1:8: executing "" at <.Extra.nope>: map has no entry for key "nope"' }],
  ['{{.State.Pid}} {{.State.Running}}', '42 true\n42 true\n', undefined],
  ['{{index .Config.Labels "a"}}', '<b>&\n<b>&\n', undefined],
  ['{{nope}}', '', { exitCode: 64, message: 'template parsing error: template: :1: function "nope" not defined' }],
  ['{{.Config.Env}} {{len .Mounts}}', '[A=1 B=2] 0\n[A=1 B=2] 0\n', undefined],
  ['{{if .Extra.k}}yes{{end}}', 'yes\nyes\n', undefined],
];

describe('writeInspect against docker inspect (CLI 28.2.2)', () => {
  for (const [format, stdout, error] of inspectCases) {
    test(`--format ${JSON.stringify(format)}`, () => {
      const out = sink();
      if (error) {
        assert.throws(() => writeInspect(out, [container, container], format), (err: unknown) => {
          assert.ok(err instanceof FormatError);
          assert.equal(err.exitCode, error.exitCode);
          assert.equal(err.message, error.message);
          return true;
        });
      } else {
        writeInspect(out, [container, container], format);
      }
      assert.equal(out.text(), stdout);
    });
  }
});

describe('writeInspect', () => {
  test('no items', () => {
    for (const [format, want] of [
      ['', '[]\n'],
      ['json', '[]\n'],
      ['{{.Id}}', '\n'],
    ] as const) {
      const out = sink();
      writeInspect(out, [], format);
      assert.equal(out.text(), want);
    }
  });

  test('a failing item does not stop the others', () => {
    const out = sink();
    assert.throws(() => writeInspect(out, [{ A: 1 }, { B: 2 }, { A: 3 }], '{{.A}}'), {
      message: 'template parsing error: template: :1:2: executing "" at <.A>: map has no entry for key "A"',
    });
    assert.equal(out.text(), '1\n3\n');
  });

  test('the format is not pre-processed like list formats', () => {
    const out = sink();
    writeInspect(out, [{ A: 'x' }], ' {{.A}}\\t');
    assert.equal(out.text(), ' x\\t\n');
  });
});

describe('selectListFormat', () => {
  const base = { defaultTable: 'table {{.ID}}\t{{.Name}}' };
  const cases: readonly (readonly [string, Parameters<typeof selectListFormat>[0], string])[] = [
    ['default', { ...base }, 'table {{.ID}}\t{{.Name}}'],
    ['table', { ...base, format: 'table' }, 'table {{.ID}}\t{{.Name}}'],
    ['quiet', { ...base, quiet: true }, '{{.ID}}'],
    ['quiet table with its own quiet format', { ...base, format: 'table', quiet: true, quietFormat: '{{.Name}}' }, '{{.Name}}'],
    ['quiet does not change a custom format', { ...base, format: 'table {{.Name}}', quiet: true }, 'table {{.Name}}'],
    ['raw', { ...base, format: 'raw', rawFormat: 'id: {{.ID}}' }, 'id: {{.ID}}'],
    ['raw without a raw format is a template', { ...base, format: 'raw' }, 'raw'],
    ['json', { ...base, format: 'json' }, 'json'],
  ];
  for (const [name, opts, want] of cases) {
    test(name, () => assert.equal(selectListFormat(opts), want));
  }
});

describe('formatTemplateText', () => {
  const cases: readonly (readonly [string, string])[] = [
    ['table', ''],
    ['json', '{{json .}}'],
    ['table   {{.ID}}\\t{{.Tag}}  ', '{{.ID}}\t{{.Tag}}'],
    ['tablefoo {{.ID}}', 'foo {{.ID}}'],
    [' table {{.ID}}', 'table {{.ID}}'],
    ['{{.ID}}\\n', '{{.ID}}\n'],
    ['\t{{.ID}}\n', '\t{{.ID}}\n'],
    ['{{json .ID}}', '{{json .ID}}'],
  ];
  for (const [format, want] of cases) {
    test(JSON.stringify(format), () => assert.equal(formatTemplateText(format), want));
  }
});

interface Network {
  readonly id: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

class NetworkContext {
  constructor(private readonly n: Network) {}
  ID(): string {
    return this.n.id.slice(0, 12);
  }
  Name(): string {
    return this.n.name;
  }
  Label(key: string): string {
    return this.n.labels[key] ?? '';
  }
  Labels(): string {
    return Object.entries(this.n.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
  }
}

const networks: readonly Network[] = [
  { id: '0123456789abcdef', name: 'bridge', labels: {} },
  { id: 'fedcba9876543210', name: 'front<end>', labels: { tier: 'web&api' } },
];

function networkOptions(format?: string): ListFormatOptions<Network> {
  return {
    format,
    defaultTable: 'table {{.ID}}\t{{.Name}}',
    headers: { ID: 'NETWORK ID', Name: 'NAME', Label: 'LABEL', Labels: 'LABELS' },
    context: (n) => new NetworkContext(n),
  };
}

describe('writeList', () => {
  test('class contexts: methods on the prototype, with arguments', () => {
    const out = sink();
    writeList(out, networks, networkOptions('{{.ID}} {{.Name}} {{.Label "tier"}}'));
    assert.equal(out.text(), '0123456789ab bridge \nfedcba987654 front<end> web&api\n');
  });

  test('json: exported zero-argument methods, sorted, HTML escaped', () => {
    const out = sink();
    writeList(out, networks, networkOptions('json'));
    assert.equal(
      out.text(),
      '{"ID":"0123456789ab","Labels":"","Name":"bridge"}\n' +
        '{"ID":"fedcba987654","Labels":"tier=web\\u0026api","Name":"front\\u003cend\\u003e"}\n',
    );
  });

  test('{{json .Field}} is not HTML escaped', () => {
    const out = sink();
    writeList(out, networks.slice(1), networkOptions('{{json .Name}}'));
    assert.equal(out.text(), '"front<end>"\n');
  });

  test('an empty table prints the header', () => {
    const out = sink();
    writeList(out, [], networkOptions());
    assert.equal(out.text(), 'NETWORK ID   NAME\n');
  });

  test('an empty list prints nothing in other formats', () => {
    for (const format of ['json', '{{.ID}}']) {
      const out = sink();
      writeList(out, [], networkOptions(format));
      assert.deepEqual(out.writes, []);
    }
  });

  test('header: unknown fields print <no value>, string functions pass names through', () => {
    const out = sink();
    writeList(
      out,
      [],
      networkOptions('table {{.Unknown}}\t{{json .ID}}\t{{upper .Name}}\t{{lower .Name}}\t{{title .ID}}\t{{split .ID "-"}}\t{{join .ID ","}}\t{{truncate .Name 1}}\t{{pad .ID 1 1}}'),
    );
    assert.equal(out.text(), '<no value>   NETWORK ID   NAME      NAME      NETWORK ID   NETWORK ID   NETWORK ID   NAME       NETWORK ID \n');
  });

  test('header: an error ends the header where it happened', () => {
    const out = sink();
    writeList(out, [], networkOptions('table {{.ID}} {{.Label "x"}} {{.Name}}'));
    assert.equal(out.text(), 'NETWORK ID \n');
  });

  test('the type name in field errors', () => {
    assert.throws(() => writeList(sink(), networks, networkOptions('{{.Nope}}')), {
      message: "template parsing error: template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope in type NetworkContext",
    });
    assert.throws(() => writeList(sink(), [1], { ...networkOptions('{{.Nope}}'), context: () => ({ ID: 'x' }) }), {
      message: "template parsing error: template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope in type object",
    });
    assert.throws(() => writeList(sink(), networks, { ...networkOptions('{{.Nope}}'), typeName: '*formatter.networkContext' }), {
      message: "template parsing error: template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope in type *formatter.networkContext",
    });
  });

  test('a parse error', () => {
    assert.throws(() => writeList(sink(), networks, networkOptions('{{.ID')), (err: unknown) => {
      assert.ok(err instanceof FormatError);
      assert.equal(err.exitCode, 1);
      assert.equal(err.message, 'template parsing error: template: :1: unclosed action');
      return true;
    });
  });
});

describe('contextJson', () => {
  test('exported properties and zero-argument methods, keys sorted', () => {
    const ctx = {
      b: 'lower case is not exported',
      Zeta: 1,
      Alpha: () => ['x', '<y>'],
      WithArg: (x: string) => x,
      Labels: () => new Map([['z', '1'], ['a', '2']]),
    };
    assert.equal(contextJson(ctx), '{"Alpha":["x","\\u003cy\\u003e"],"Labels":{"a":"2","z":"1"},"Zeta":1}');
  });

  test('class instances', () => {
    assert.equal(contextJson(new NetworkContext(networks[0] as Network)), '{"ID":"0123456789ab","Labels":"","Name":"bridge"}');
  });
});

describe('headerTemplateFuncs', () => {
  test('header functions take and return the column name', () => {
    const t = GoTemplate.parse('{{json .A}}|{{split .A ","}}|{{join .A ","}}|{{title .A}}|{{lower .A}}|{{upper .A}}|{{truncate .A 1}}');
    assert.equal(t.execute(new Map([['A', 'NAME']]), { funcs: headerTemplateFuncs }), 'NAME|NAME|NAME|NAME|NAME|NAME|NAME');
  });
});
