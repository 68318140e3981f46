// Container names: the rule Docker applies to given names, and Docker-style generated ones
// (`adjective_surname`, from our own word lists).

import { randomInt } from 'node:crypto';
import { EngineError } from '../../core/errors.js';

const VALID_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Checks a requested name and returns it without a leading slash. */
export function validContainerName(name: string): string {
  const bare = name.startsWith('/') ? name.slice(1) : name;
  if (!VALID_NAME.test(bare)) {
    throw new EngineError('invalid-argument', `Invalid container name (${bare}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  return bare;
}

const ADJECTIVES = [
  'agile', 'amber', 'bold', 'brave', 'bright', 'calm', 'clever', 'cosmic', 'crisp', 'curious',
  'daring', 'deft', 'eager', 'earnest', 'fearless', 'festive', 'gentle', 'glad', 'hardy', 'humble',
  'jolly', 'keen', 'kind', 'lively', 'lucid', 'merry', 'mighty', 'modest', 'nimble', 'noble',
  'patient', 'placid', 'plucky', 'quiet', 'quick', 'radiant', 'ready', 'serene', 'sharp', 'sincere',
  'steady', 'stoic', 'sunny', 'swift', 'tender', 'thoughtful', 'tidy', 'upbeat', 'vibrant', 'vivid',
  'wise', 'witty', 'zealous', 'zen',
];

// People whose work computing and science stand on.
const SURNAMES = [
  'agnesi', 'allen', 'babbage', 'backus', 'bardeen', 'bell', 'boole', 'borg', 'brattain', 'cerf',
  'codd', 'conway', 'curie', 'dijkstra', 'easley', 'einstein', 'elion', 'engelbart', 'euler', 'faraday',
  'fermat', 'feynman', 'franklin', 'galois', 'gauss', 'goldberg', 'hamilton', 'hamming', 'hawking', 'hodgkin',
  'hopper', 'hypatia', 'jackson', 'johnson', 'kahn', 'kepler', 'knuth', 'kowalevski', 'lamarr', 'lamport',
  'liskov', 'lovelace', 'maxwell', 'mcclintock', 'meitner', 'mirzakhani', 'neumann', 'noether', 'pascal', 'perlman',
  'ramanujan', 'ritchie', 'shannon', 'shockley', 'sinoussi', 'somerville', 'thompson', 'torvalds', 'turing', 'wozniak',
];

/** A free generated name; `taken` says whether a name is in use. */
export function generateName(taken: (name: string) => boolean): string {
  for (let attempt = 0; attempt < 10; attempt++) {
    const name = `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${SURNAMES[randomInt(SURNAMES.length)]}`;
    // Like Docker, add a digit once the plain names start colliding.
    const candidate = attempt === 0 ? name : `${name}${randomInt(10)}`;
    if (!taken(candidate)) return candidate;
  }
  for (;;) {
    const name = `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${SURNAMES[randomInt(SURNAMES.length)]}${randomInt(1_000_000)}`;
    if (!taken(name)) return name;
  }
}
