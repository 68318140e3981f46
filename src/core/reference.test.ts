// Tables drawn from distribution/reference's normalize_test.go and reference_test.go (the
// facts: which inputs parse and to what), plus dockerd's handling of lookup strings.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineError, type ErrorKind } from './errors.js';
import {
  classifyImageRef,
  familiarMatch,
  familiarName,
  familiarString,
  fullName,
  fullString,
  isNameOnly,
  parseDockerRef,
  parseNamed,
  parseNormalizedNamed,
  parsePullReference,
  parseRepoTag,
  trimNamed,
  withDefaultTag,
  withDigest,
  withTag,
  type Reference,
} from './reference.js';

const FF = 'f'.repeat(64);
const SHA = `sha256:${FF}` as const;
const LONG_NAMESPACE = Array(4)
  .fill('this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255')
  .join('_');
const REDIS = 'sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c' as const;

function assertThrowsKind(fn: () => unknown, message: string, kind: ErrorKind = 'invalid-argument') {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof EngineError, `expected EngineError, got ${String(err)}`);
    assert.equal(err.kind, kind);
    assert.equal(err.message, message);
    return true;
  });
}

describe('parseNormalizedNamed: names distribution accepts', () => {
  const valid = [
    'docker/docker',
    'library/debian',
    'debian',
    'localhost/library/debian',
    'localhost/debian',
    'LOCALDOMAIN/library/debian',
    'LOCALDOMAIN/debian',
    'docker.io/docker/docker',
    'docker.io/library/debian',
    'docker.io/debian',
    'index.docker.io/docker/docker',
    'index.docker.io/library/debian',
    'index.docker.io/debian',
    '127.0.0.1:5000/docker/docker',
    '127.0.0.1:5000/library/debian',
    '127.0.0.1:5000/debian',
    '192.168.0.1',
    '192.168.0.1:80',
    '192.168.0.1:8/debian',
    '192.168.0.2:25000/debian',
    'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
    '[fc00::1]:5000/docker',
    '[fc00::1]:5000/docker/docker',
    '[fc00:1:2:3:4:5:6:7]:5000/library/debian',
    'docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
    'Docker/docker',
    'DOCKER/docker',
    'docker-rules/docker',
    'docker---rules/docker',
    'doc/docker',
    'd/docker',
    'jess/t',
    'dock__er/docker',
    'example.com/' + 'a'.repeat(255) + ':tag',
  ];
  for (const name of valid) {
    test(name.length > 80 ? `${name.slice(0, 60)}…` : name, () => {
      assert.doesNotThrow(() => parseNormalizedNamed(name));
    });
  }
});

describe('parseNormalizedNamed: names distribution rejects', () => {
  const invalid = [
    'https://github.com/docker/docker',
    'docker/Docker',
    '-docker',
    '-docker/docker',
    '-docker.io/docker/docker',
    'docker///docker',
    'docker.io/docker/Docker',
    'docker.io/docker///docker',
    '[fc00::1]',
    '[fc00::1]:5000',
    'fc00::1:5000/debian',
    '[fe80::1%eth0]:5000/debian',
    '[2001:db8:3:4::192.0.2.33]:5000/debian',
    '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
    'docker-/docker',
    '-docker-/docker',
    '____/____',
    '_docker/_docker',
    'dock..er/docker',
    'dock_.er/docker',
    'dock-.er/docker',
    'docker/',
    LONG_NAMESPACE + '/docker',
    '',
    ':justtag',
    '@sha256:' + FF,
    'aa/asdf$$^/aa',
    '[2001:db8::1]',
    '[2001:db8::1]:5000',
    '[2001:db8::1]:tag',
    '[fe80::1%@invalidzone]:5000/repo',
    'busybox:' + 'a'.repeat(129),
    'busybox:-tag',
    'busybox:.tag',
  ];
  for (const name of invalid) {
    test(JSON.stringify(name.length > 80 ? `${name.slice(0, 60)}…` : name), () => {
      assert.throws(
        () => parseNormalizedNamed(name),
        (err: unknown) => err instanceof EngineError && err.kind === 'invalid-argument',
      );
    });
  }
});

describe('parseNormalizedNamed: error words', () => {
  const cases: [input: string, message: string][] = [
    ['', 'invalid reference format'],
    [':justtag', 'invalid reference format'],
    ['aa/asdf$$^/aa', 'invalid reference format'],
    ['https://github.com/docker/docker', 'invalid reference format'],
    ['Busybox', 'invalid reference format: repository name (library/Busybox) must be lowercase'],
    ['Uppercase:tag', 'invalid reference format: repository name (library/Uppercase) must be lowercase'],
    ['docker/Docker', 'invalid reference format: repository name (docker/Docker) must be lowercase'],
    [
      'test:5000/Uppercase/lowercase:tag',
      'invalid reference format: repository name (Uppercase/lowercase) must be lowercase',
    ],
    // Case is checked up to the first ':', which may be the digest's.
    [`Foo@${SHA}`, 'invalid reference format: repository name (library/Foo@sha256) must be lowercase'],
    [FF, `invalid repository name (${FF}), cannot specify 64-byte hexadecimal strings`],
    ['domain/' + 'a'.repeat(256) + ':tag', 'repository name must not be more than 255 characters'],
    [LONG_NAMESPACE + '/docker', 'repository name must not be more than 255 characters'],
    ['repo@sha256:' + 'f'.repeat(34), 'invalid checksum digest length'],
    ['validname@invaliddigest:' + FF, 'unsupported digest algorithm'],
    ['validname@sha384:' + 'f'.repeat(96), 'unsupported digest algorithm'],
    ['validname:tag@SHA256:' + FF, 'invalid checksum digest format'],
    [
      'validname@SHA256:' + FF,
      'invalid reference format: repository name (library/validname@SHA256) must be lowercase',
    ],
    ['validname@sha256:' + 'F'.repeat(64), 'invalid checksum digest format'],
    ['validname@sha512:' + 'f'.repeat(64), 'invalid checksum digest length'],
  ];
  for (const [input, message] of cases) {
    test(JSON.stringify(input.length > 70 ? `${input.slice(0, 50)}…` : input), () => {
      assertThrowsKind(() => parseNormalizedNamed(input), message);
    });
  }
});

describe('parseNormalizedNamed: familiar, full and ambiguous forms agree', () => {
  // [path, familiar name, full name, ambiguous name or '', domain]
  const cases: [string, string, string, string, string][] = [
    ['fooo', 'localhost/fooo', 'localhost/fooo', 'localhost/fooo', 'localhost'],
    ['fooo/bar', 'localhost/fooo/bar', 'localhost/fooo/bar', 'localhost/fooo/bar', 'localhost'],
    ['fooo', 'LOCALDOMAIN/fooo', 'LOCALDOMAIN/fooo', 'LOCALDOMAIN/fooo', 'LOCALDOMAIN'],
    ['fooo/bar', 'LOCALDOMAIN/fooo/bar', 'LOCALDOMAIN/fooo/bar', 'LOCALDOMAIN/fooo/bar', 'LOCALDOMAIN'],
    ['fooo/bar', 'fooo/bar', 'docker.io/fooo/bar', 'index.docker.io/fooo/bar', 'docker.io'],
    ['library/ubuntu', 'ubuntu', 'docker.io/library/ubuntu', 'library/ubuntu', 'docker.io'],
    ['nonlibrary/ubuntu', 'nonlibrary/ubuntu', 'docker.io/nonlibrary/ubuntu', '', 'docker.io'],
    ['other/library', 'other/library', 'docker.io/other/library', '', 'docker.io'],
    ['private/moonbase', '127.0.0.1:8000/private/moonbase', '127.0.0.1:8000/private/moonbase', '', '127.0.0.1:8000'],
    ['privatebase', '127.0.0.1:8000/privatebase', '127.0.0.1:8000/privatebase', '', '127.0.0.1:8000'],
    ['private/moonbase', 'example.com/private/moonbase', 'example.com/private/moonbase', '', 'example.com'],
    ['privatebase', 'example.com/privatebase', 'example.com/privatebase', '', 'example.com'],
    ['private/moonbase', 'example.com:8000/private/moonbase', 'example.com:8000/private/moonbase', '', 'example.com:8000'],
    ['privatebasee', 'example.com:8000/privatebasee', 'example.com:8000/privatebasee', '', 'example.com:8000'],
    ['library/ubuntu-12.04-base', 'ubuntu-12.04-base', 'docker.io/library/ubuntu-12.04-base', 'index.docker.io/library/ubuntu-12.04-base', 'docker.io'],
    ['library/foo', 'foo', 'docker.io/library/foo', 'docker.io/foo', 'docker.io'],
    ['library/foo/bar', 'library/foo/bar', 'docker.io/library/foo/bar', '', 'docker.io'],
    ['store/foo/bar', 'store/foo/bar', 'docker.io/store/foo/bar', '', 'docker.io'],
    ['bar', 'Foo/bar', 'Foo/bar', '', 'Foo'],
    ['bar', 'FOO/bar', 'FOO/bar', '', 'FOO'],
  ];
  for (const [path, familiar, full, ambiguous, domain] of cases) {
    for (const input of [familiar, full, ambiguous].filter((s) => s !== '')) {
      test(`${input} → ${full}`, () => {
        const ref = parseNormalizedNamed(input);
        assert.equal(familiarName(ref), familiar);
        assert.equal(fullName(ref), full);
        assert.equal(fullString(ref), full);
        assert.equal(ref.domain, domain);
        assert.equal(ref.path, path);
      });
    }
  }
});

describe('parseNormalizedNamed: domain split', () => {
  const cases: [input: string, domain: string, path: string][] = [
    ['test.com/foo', 'test.com', 'foo'],
    ['test_com/foo', 'docker.io', 'test_com/foo'],
    ['docker/migrator', 'docker.io', 'docker/migrator'],
    ['test.com:8080/foo', 'test.com:8080', 'foo'],
    ['test-com:8080/foo', 'test-com:8080', 'foo'],
    ['foo', 'docker.io', 'library/foo'],
    ['xn--n3h.com/foo', 'xn--n3h.com', 'foo'],
    ['xn--n3h.com:18080/foo', 'xn--n3h.com:18080', 'foo'],
    ['docker.io/foo', 'docker.io', 'library/foo'],
    ['docker.io/library/foo', 'docker.io', 'library/foo'],
    ['docker.io/library/foo/bar', 'docker.io', 'library/foo/bar'],
    ['index.docker.io/foo', 'docker.io', 'library/foo'],
    ['localhost/foo', 'localhost', 'foo'],
    ['localhost:5000/foo', 'localhost:5000', 'foo'],
    // A single element is always a Hub name, never a host.
    ['localhost', 'docker.io', 'library/localhost'],
    ['example.com', 'docker.io', 'library/example.com'],
    ['192.168.1.1', 'docker.io', 'library/192.168.1.1'],
    ['[2001:db8::1]/repo', '[2001:db8::1]', 'repo'],
    ['[2001:db8::1]:5000/repo', '[2001:db8::1]:5000', 'repo'],
    ['[::1]:5000/repo', '[::1]:5000', 'repo'],
    ['sub-dom1.foo.com/bar/baz/quux', 'sub-dom1.foo.com', 'bar/baz/quux'],
    ['b.gcr.io/test.example.com/my-app', 'b.gcr.io', 'test.example.com/my-app'],
  ];
  for (const [input, domain, path] of cases) {
    test(input, () => {
      const ref = parseNormalizedNamed(input);
      assert.deepEqual(ref, { domain, path });
    });
  }
});

describe('parseNormalizedNamed: tags and digests', () => {
  const cases: [input: string, expected: Reference][] = [
    ['busybox:latest', { domain: 'docker.io', path: 'library/busybox', tag: 'latest' }],
    ['test.com:tag', { domain: 'docker.io', path: 'library/test.com', tag: 'tag' }],
    ['test.com:5000', { domain: 'docker.io', path: 'library/test.com', tag: '5000' }],
    ['192.168.1.1:5000', { domain: 'docker.io', path: 'library/192.168.1.1', tag: '5000' }],
    ['foo_bar.com:8080', { domain: 'docker.io', path: 'library/foo_bar.com', tag: '8080' }],
    ['foo/foo_bar.com:8080', { domain: 'docker.io', path: 'foo/foo_bar.com', tag: '8080' }],
    ['lowercase:Uppercase', { domain: 'docker.io', path: 'library/lowercase', tag: 'Uppercase' }],
    ['test:5000/repo', { domain: 'test:5000', path: 'repo' }],
    ['test:5000/repo:tag', { domain: 'test:5000', path: 'repo', tag: 'tag' }],
    ['test:5000/repo@' + SHA, { domain: 'test:5000', path: 'repo', digest: SHA }],
    ['test:5000/repo:tag@' + SHA, { domain: 'test:5000', path: 'repo', tag: 'tag', digest: SHA }],
    ['192.168.1.1:5000/repo:5050', { domain: '192.168.1.1:5000', path: 'repo', tag: '5050' }],
    ['xn--n3h.com/myimage:xn--n3h.com', { domain: 'xn--n3h.com', path: 'myimage', tag: 'xn--n3h.com' }],
    [
      'xn--7o8h.com/myimage:xn--7o8h.com@' + SHA,
      { domain: 'xn--7o8h.com', path: 'myimage', tag: 'xn--7o8h.com', digest: SHA },
    ],
    ['[2001:db8::1]:5000/repo:tag@' + SHA, { domain: '[2001:db8::1]:5000', path: 'repo', tag: 'tag', digest: SHA }],
    ['sub-dom1.foo.com/bar/baz/quux:some-long-tag', { domain: 'sub-dom1.foo.com', path: 'bar/baz/quux', tag: 'some-long-tag' }],
    ['busybox:' + 'a'.repeat(128), { domain: 'docker.io', path: 'library/busybox', tag: 'a'.repeat(128) }],
    ['busybox:_x', { domain: 'docker.io', path: 'library/busybox', tag: '_x' }],
    ['name@sha512:' + 'a'.repeat(128), { domain: 'docker.io', path: 'library/name', digest: `sha512:${'a'.repeat(128)}` }],
    // The 255 limit is on the path; the domain does not count.
    [
      'a/'.repeat(127) + 'a:tag-puts-this-over-max',
      { domain: 'docker.io', path: 'a/'.repeat(127) + 'a', tag: 'tag-puts-this-over-max' },
    ],
  ];
  for (const [input, expected] of cases) {
    test(input.length > 80 ? `${input.slice(0, 60)}…` : input, () => {
      assert.deepEqual(parseNormalizedNamed(input), expected);
    });
  }
});

describe('printing', () => {
  test('tag and digest together', () => {
    const short = 'busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa';
    const ref = parseNormalizedNamed(short);
    assert.equal(fullString(ref), `docker.io/library/${short}`);
    assert.equal(familiarString(ref), short);
    assert.equal(isNameOnly(ref), false);
  });

  const cases: [input: string, familiarString: string, fullString: string][] = [
    ['busybox', 'busybox', 'docker.io/library/busybox'],
    ['busybox:1.36', 'busybox:1.36', 'docker.io/library/busybox:1.36'],
    [`busybox@${SHA}`, `busybox@${SHA}`, `docker.io/library/busybox@${SHA}`],
    ['user/app:1', 'user/app:1', 'docker.io/user/app:1'],
    ['host:5000/a/b:tag', 'host:5000/a/b:tag', 'host:5000/a/b:tag'],
    ['docker.io/library/a/b', 'library/a/b', 'docker.io/library/a/b'],
    ['localhost/x', 'localhost/x', 'localhost/x'],
    ['quay.io/library/x', 'quay.io/library/x', 'quay.io/library/x'],
  ];
  for (const [input, familiar, full] of cases) {
    test(input, () => {
      const ref = parseNormalizedNamed(input);
      assert.equal(familiarString(ref), familiar);
      assert.equal(fullString(ref), full);
    });
  }

  test('fullName without a domain', () => {
    assert.equal(fullName({ domain: '', path: 'x/y' }), 'x/y');
  });
});

describe('helpers', () => {
  const busybox = parseNormalizedNamed('busybox');

  test('isNameOnly', () => {
    assert.equal(isNameOnly(busybox), true);
    assert.equal(isNameOnly(parseNormalizedNamed('busybox:1')), false);
    assert.equal(isNameOnly(parseNormalizedNamed(`busybox@${SHA}`)), false);
  });

  test('withDefaultTag adds latest only to a bare name', () => {
    assert.equal(familiarString(withDefaultTag(busybox)), 'busybox:latest');
    assert.equal(fullString(withDefaultTag(busybox)), 'docker.io/library/busybox:latest');
    assert.equal(familiarString(withDefaultTag(parseNormalizedNamed('busybox:1'))), 'busybox:1');
    assert.equal(familiarString(withDefaultTag(parseNormalizedNamed(`busybox@${SHA}`))), `busybox@${SHA}`);
  });

  test('withTag keeps the digest and validates', () => {
    const canonical = parseNormalizedNamed(`busybox@${SHA}`);
    assert.deepEqual(withTag(canonical, 'x'), { ...canonical, tag: 'x' });
    assert.deepEqual(withTag(busybox, 'v1.0_rc-2'), { ...busybox, tag: 'v1.0_rc-2' });
    for (const bad of ['-foo', '', '.x', 'a'.repeat(129), 'a:b', 'a/b']) {
      assertThrowsKind(() => withTag(busybox, bad), 'invalid tag format');
    }
  });

  test('withDigest keeps the tag and validates', () => {
    const tagged = parseNormalizedNamed('busybox:1');
    assert.deepEqual(withDigest(tagged, SHA), { ...tagged, digest: SHA });
    assertThrowsKind(() => withDigest(busybox, 'foo' as typeof SHA), 'invalid digest format');
  });

  test('trimNamed', () => {
    assert.deepEqual(trimNamed(parseNormalizedNamed(`busybox:1@${SHA}`)), busybox);
  });

  test('parseNamed accepts only the canonical form', () => {
    assert.deepEqual(parseNamed('docker.io/library/busybox:latest'), {
      domain: 'docker.io',
      path: 'library/busybox',
      tag: 'latest',
    });
    for (const s of ['busybox', 'library/busybox', 'docker.io/busybox', 'index.docker.io/library/busybox']) {
      assertThrowsKind(() => parseNamed(s), 'repository name must be canonical');
    }
  });
});

describe('parseDockerRef', () => {
  const digest = 'sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582';
  const cases: [name: string, input: string, expected: string][] = [
    ['nothing', 'busybox', 'docker.io/library/busybox:latest'],
    ['tag only', 'busybox:latest', 'docker.io/library/busybox:latest'],
    ['digest only', `busybox@${digest}`, `docker.io/library/busybox@${digest}`],
    ['path only', 'library/busybox', 'docker.io/library/busybox:latest'],
    ['hostname only', 'docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['no tag', 'docker.io/library/busybox', 'docker.io/library/busybox:latest'],
    ['no path', 'docker.io/busybox:latest', 'docker.io/library/busybox:latest'],
    ['no hostname', 'library/busybox:latest', 'docker.io/library/busybox:latest'],
    ['full reference with tag', 'docker.io/library/busybox:latest', 'docker.io/library/busybox:latest'],
    ['gcr reference without tag', 'gcr.io/library/busybox', 'gcr.io/library/busybox:latest'],
    ['both tag and digest', `gcr.io/library/busybox:latest@${digest}`, `gcr.io/library/busybox@${digest}`],
  ];
  for (const [name, input, expected] of cases) {
    test(name, () => {
      assert.equal(fullString(parseDockerRef(input)), expected);
    });
  }
});

describe('classifyImageRef', () => {
  const cases: [input: string, expected: unknown][] = [
    ['alpine', { kind: 'reference', ref: { domain: 'docker.io', path: 'library/alpine' } }],
    ['alpine:3.19', { kind: 'reference', ref: { domain: 'docker.io', path: 'library/alpine', tag: '3.19' } }],
    ['docker.io/library/alpine', { kind: 'reference', ref: { domain: 'docker.io', path: 'library/alpine' } }],
    ['redis:latest', { kind: 'reference', ref: { domain: 'docker.io', path: 'library/redis', tag: 'latest' } }],
    [`redis@${REDIS}`, { kind: 'reference', ref: { domain: 'docker.io', path: 'library/redis', digest: REDIS } }],
    ['dmcgowan/myapp', { kind: 'reference', ref: { domain: 'docker.io', path: 'dmcgowan/myapp' } }],
    // A full ID, bare or with its algorithm, is never a name.
    [REDIS.slice(7), { kind: 'id', id: REDIS }],
    [REDIS, { kind: 'id', id: REDIS }],
    [`sha512:${'b'.repeat(128)}`, { kind: 'id', id: `sha512:${'b'.repeat(128)}` }],
    // 63 hex digits: a name that may also be an ID prefix.
    [
      REDIS.slice(7, 70),
      { kind: 'reference', ref: { domain: 'docker.io', path: `library/${REDIS.slice(7, 70)}` }, maybeIdPrefix: REDIS.slice(7, 70) },
    ],
    ['dbcc1', { kind: 'reference', ref: { domain: 'docker.io', path: 'library/dbcc1' }, maybeIdPrefix: 'dbcc1' }],
    ['abcd', { kind: 'reference', ref: { domain: 'docker.io', path: 'library/abcd' }, maybeIdPrefix: 'abcd' }],
    // `sha256:<short>` parses as the name "sha256" with a tag, then falls back to a prefix.
    [
      'sha256:abcd',
      { kind: 'reference', ref: { domain: 'docker.io', path: 'library/sha256', tag: 'abcd' }, maybeIdPrefix: 'abcd' },
    ],
    // Fewer than 4 hex digits, or any non-hex letter: a name only.
    ['abc', { kind: 'reference', ref: { domain: 'docker.io', path: 'library/abc' } }],
    ['abcg', { kind: 'reference', ref: { domain: 'docker.io', path: 'library/abcg' } }],
    ['sha256:abc', { kind: 'reference', ref: { domain: 'docker.io', path: 'library/sha256', tag: 'abc' } }],
    // A digest with a wrong length is not an ID; it reads as name:tag.
    [
      `sha256:${'f'.repeat(63)}`,
      { kind: 'reference', ref: { domain: 'docker.io', path: 'library/sha256', tag: 'f'.repeat(63) }, maybeIdPrefix: 'f'.repeat(63) },
    ],
  ];
  for (const [input, expected] of cases) {
    test(input.length > 70 ? `${input.slice(0, 50)}…` : input, () => {
      assert.deepEqual(classifyImageRef(input), expected);
    });
  }

  test('uppercase hex is neither an ID nor a name', () => {
    assertThrowsKind(
      () => classifyImageRef('ABCD'),
      'invalid reference format: repository name (library/ABCD) must be lowercase',
    );
    assertThrowsKind(
      () => classifyImageRef('F'.repeat(64)),
      `invalid reference format: repository name (library/${'F'.repeat(64)}) must be lowercase`,
    );
  });

  test('garbage is an invalid reference', () => {
    assertThrowsKind(() => classifyImageRef(''), 'invalid reference format');
    assertThrowsKind(() => classifyImageRef('a b'), 'invalid reference format');
  });
});

describe('parsePullReference (fromImage + tag)', () => {
  const cases: [fromImage: string, tag: string | undefined, expected: string][] = [
    ['alpine', undefined, 'docker.io/library/alpine'],
    ['alpine', '', 'docker.io/library/alpine'],
    ['alpine', '3.19', 'docker.io/library/alpine:3.19'],
    ['docker.io/library/alpine', 'latest', 'docker.io/library/alpine:latest'],
    ['alpine:', undefined, 'docker.io/library/alpine'],
    ['alpine:3.18', '3.19', 'docker.io/library/alpine:3.19'],
    ['alpine', SHA, `docker.io/library/alpine@${SHA}`],
    // A digest in `tag` replaces both the tag and the digest of the image.
    ['alpine:3.18', SHA, `docker.io/library/alpine@${SHA}`],
    ['reg:5000/a/b', 'v1', 'reg:5000/a/b:v1'],
  ];
  for (const [fromImage, tag, expected] of cases) {
    test(`${fromImage} + ${String(tag)}`, () => {
      assert.equal(fullString(parsePullReference(fromImage, tag)), expected);
    });
  }

  test('errors', () => {
    assertThrowsKind(() => parsePullReference('alpine', 'a:b'), 'invalid tag format');
    assertThrowsKind(() => parsePullReference('alpine', 'sha256:abc'), 'invalid tag format');
    assertThrowsKind(() => parsePullReference('Alpine'), 'invalid reference format: repository name (library/Alpine) must be lowercase');
    assertThrowsKind(() => parsePullReference('scratch'), `'scratch' is a reserved name`, 'permission-denied');
    assertThrowsKind(() => parsePullReference('docker.io/library/scratch', 'latest'), `'scratch' is a reserved name`, 'permission-denied');
  });
});

describe('parseRepoTag (repo + tag)', () => {
  const cases: [repo: string, tag: string | undefined, expected: string][] = [
    ['myimage', undefined, 'docker.io/library/myimage:latest'],
    ['myimage', '', 'docker.io/library/myimage:latest'],
    ['myimage', 'v1', 'docker.io/library/myimage:v1'],
    ['docker.io/library/x', 'v2', 'docker.io/library/x:v2'],
    ['user/app', undefined, 'docker.io/user/app:latest'],
    // A tag in `repo` stays unless `tag` overrides it.
    ['myimage:1', undefined, 'docker.io/library/myimage:1'],
    ['myimage:1', '2', 'docker.io/library/myimage:2'],
    ['reg:5000/a/b', 'x', 'reg:5000/a/b:x'],
  ];
  for (const [repo, tag, expected] of cases) {
    test(`${JSON.stringify(repo)} + ${String(tag)}`, () => {
      assert.equal(fullString(parseRepoTag(repo, tag)), expected);
    });
  }

  test('errors', () => {
    assertThrowsKind(() => parseRepoTag(''), 'invalid reference format');
    assertThrowsKind(() => parseRepoTag('', 'v1'), 'invalid reference format');
    assertThrowsKind(() => parseRepoTag(`myimage@${SHA}`), 'cannot import digest reference');
    assertThrowsKind(() => parseRepoTag(`myimage:1@${SHA}`, 'x'), 'cannot import digest reference');
    assertThrowsKind(() => parseRepoTag('myimage', 'bad tag'), 'invalid tag format');
    assertThrowsKind(() => parseRepoTag('myimage', '-x'), 'invalid tag format');
    assertThrowsKind(
      () => parseRepoTag('sha256', 'abc'),
      'refusing to create an ambiguous tag using digest algorithm as name',
    );
    assertThrowsKind(() => parseRepoTag('MyImage'), 'invalid reference format: repository name (library/MyImage) must be lowercase');
    assertThrowsKind(() => parseRepoTag(FF), `invalid repository name (${FF}), cannot specify 64-byte hexadecimal strings`);
  });
});

describe('familiarMatch (Go path.Match)', () => {
  const cases: [reference: string, pattern: string, expected: boolean][] = [
    ['foo', 'foo/**/ba[rz]', false],
    ['foo/any/bat', 'foo/**/ba[rz]', false],
    ['foo/a/bar', 'foo/**/ba[rz]', true],
    ['foo/b/baz', 'foo/**/ba[rz]', true],
    ['foo/c/baz:tag', 'foo/**/ba[rz]', true],
    ['foo/c/baz:tag', 'foo/*/baz:tag', true],
    ['foo/c/baz:tag', 'foo/c/baz:tag', true],
    ['example.com/foo/c/baz:tag', '*/foo/c/baz', true],
    ['example.com/foo/c/baz:tag', 'example.com/foo/c/baz', true],
    ['alpine:3.19', 'alpine', true],
    ['alpine:3.19', 'alp*', true],
    ['alpine:3.19', 'alpine:3.*', true],
    ['alpine:3.19', 'alpine:3.1?', true],
    ['alpine:3.19', 'alpine:3.1[0-8]', false],
    ['alpine:3.19', 'alpine:3.1[^0-8]', true],
    // Go has no `[!…]` negation: '!' is just a member.
    ['alpine:3.19', 'alpine:3.1[!9]', true],
    ['alpine:3.19', 'docker.io/library/alpine', false],
    ['user/app:1', '*', false],
    ['user/app:1', '*/*', true],
    ['user/app:1', 'user/?pp', true],
    ['user/app:1', 'user\\/app', true],
    ['user/app:1', 'user/a\\pp:1', true],
    ['a.b/c', 'a?b/c', true],
    ['a.b/c', 'a\\?b/c', false],
    // Go commits to the first place a chunk fits: the class here could take the '/', but the
    // first fit leaves a '/' the next star cannot cross, so Go says no (a RegExp would say yes).
    ['ab/bc', '*[a/]b*c', false],
    ['x/y', 'x[/]y', true],
    ['x/y', 'x?y', false],
    ['x/y', 'x*y', false],
  ];
  for (const [input, pattern, expected] of cases) {
    test(`${pattern} ~ ${input}`, () => {
      assert.equal(familiarMatch(pattern, parseNormalizedNamed(input)), expected);
    });
  }

  const bad = ['[-x]', '[]', '[a', 'a\\', '[a-]', '[\\', 'x[^]', '[]a]', 'nomatch[', 'alpine*[z'];
  for (const pattern of bad) {
    test(`bad pattern ${JSON.stringify(pattern)}`, () => {
      assertThrowsKind(() => familiarMatch(pattern, parseNormalizedNamed('alpine')), 'syntax error in pattern');
    });
  }
});
