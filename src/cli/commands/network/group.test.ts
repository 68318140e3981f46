// The `network` group as `docker network --help` (28.2.2) lists it: the commands in its order,
// their descriptions and aliases.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMANDS } from '../../commands.js';

test('berth network has docker’s commands, in docker’s order, with its descriptions and aliases', () => {
  const specs = COMMANDS.filter((c) => c.group === 'network');
  assert.deepEqual(
    specs.map((c) => [c.name, c.description, c.aliases ?? [], c.shortcuts ?? []]),
    [
      ['connect', 'Connect a container to a network', [], []],
      ['create', 'Create a network', [], []],
      ['disconnect', 'Disconnect a container from a network', [], []],
      ['inspect', 'Display detailed information on one or more networks', [], []],
      ['ls', 'List networks', ['list'], []],
      ['prune', 'Remove all unused networks', [], []],
      ['rm', 'Remove one or more networks', ['remove'], []],
    ],
  );
});
