// What every route file gets from the server: the engine backends and the server's identity.

import type { Backends } from './backends.js';
import type { ServerIdentity } from './reply.js';

export interface RouteContext {
  backends: Backends;
  identity: ServerIdentity;
}
