// Which state a container may move to from which, as a table (runc's state objects).
// Services take the container's lock, reload its record, check the move here, then act.

import { EngineError } from '../../core/errors.js';
import type { ContainerStatus } from './container-record.js';

const ALLOWED: Record<ContainerStatus, readonly ContainerStatus[]> = {
  created: ['running', 'removing', 'dead', 'exited'],
  running: ['paused', 'exited', 'restarting', 'removing', 'dead'],
  paused: ['running', 'exited', 'removing', 'dead'],
  restarting: ['running', 'exited', 'removing', 'dead'],
  exited: ['running', 'restarting', 'removing', 'dead'],
  removing: ['dead'],
  dead: ['removing'],
};

export function canMove(from: ContainerStatus, to: ContainerStatus): boolean {
  return from === to || ALLOWED[from].includes(to);
}

export function checkMove(id: string, from: ContainerStatus, to: ContainerStatus): void {
  if (!canMove(from, to)) {
    throw new EngineError('conflict', `container ${id} cannot go from ${from} to ${to}`);
  }
}

export function isActive(status: ContainerStatus): boolean {
  return status === 'running' || status === 'paused' || status === 'restarting';
}
