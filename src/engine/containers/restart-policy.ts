// Docker's restart policies as decisions: whether an exited container starts again, and after
// how long. The delay doubles from 100 ms per restart (at most one minute) and starts over once
// a run lasted at least ten seconds (moby restartmanager).

import type { RestartPolicy } from './spec/container-spec.js';

const BASE_DELAY_MS = 100;
const MAX_DELAY_MS = 60_000;
const RESET_AFTER_MS = 10_000;

export interface RestartInput {
  policy: RestartPolicy;
  exitCode: number;
  /** Restarts made so far by the policy. */
  restartCount: number;
  /** Stopped by `docker stop`/`kill` (or the daemon shutting down): never restarted. */
  stoppedByUser: boolean;
  /** How long the last run lasted. */
  ranForMs: number;
  /** The delay used for the previous restart (0 for none). */
  previousDelayMs: number;
}

export type RestartDecision = { restart: false } | { restart: true; delayMs: number };

export function decideRestart(i: RestartInput): RestartDecision {
  if (i.stoppedByUser) return { restart: false };
  switch (i.policy.name) {
    case 'no':
      return { restart: false };
    case 'on-failure':
      if (i.exitCode === 0) return { restart: false };
      if (i.policy.maximumRetryCount > 0 && i.restartCount >= i.policy.maximumRetryCount) return { restart: false };
      break;
    case 'always':
    case 'unless-stopped':
      break;
  }
  const delayMs =
    i.ranForMs >= RESET_AFTER_MS || i.previousDelayMs === 0 ? BASE_DELAY_MS : Math.min(MAX_DELAY_MS, i.previousDelayMs * 2);
  return { restart: true, delayMs };
}

/** After a host reboot (or a daemon crash that lost the task): which containers start again. */
export function restartsAfterReboot(policy: RestartPolicy, stoppedByUser: boolean): boolean {
  if (policy.name === 'always') return true;
  return policy.name === 'unless-stopped' && !stoppedByUser;
}
