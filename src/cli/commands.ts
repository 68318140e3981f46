// Every berth command, listed once (explicit wiring: no command registers itself).

import type { CommandSpec } from './command-spec.js';
import { attachCommand } from './commands/container/attach.js';
import { commitCommand } from './commands/container/commit.js';
import { cpCommand } from './commands/container/cp.js';
import { createCommand } from './commands/container/create.js';
import { diffCommand } from './commands/container/diff.js';
import { execCommand } from './commands/container/exec.js';
import { exportCommand } from './commands/container/export.js';
import { containerInspectCommand } from './commands/container/inspect.js';
import { killCommand } from './commands/container/kill.js';
import { logsCommand } from './commands/container/logs.js';
import { psCommand } from './commands/container/ls.js';
import { pauseCommand } from './commands/container/pause.js';
import { portCommand } from './commands/container/port.js';
import { containerPruneCommand } from './commands/container/prune.js';
import { renameCommand } from './commands/container/rename.js';
import { restartCommand } from './commands/container/restart.js';
import { rmCommand } from './commands/container/rm.js';
import { runCommand } from './commands/container/run.js';
import { startCommand } from './commands/container/start.js';
import { statsCommand } from './commands/container/stats.js';
import { stopCommand } from './commands/container/stop.js';
import { topCommand } from './commands/container/top.js';
import { unpauseCommand } from './commands/container/unpause.js';
import { updateCommand } from './commands/container/update.js';
import { waitCommand } from './commands/container/wait.js';
import { imageHistoryCommand } from './commands/image/history.js';
import { imageImportCommand } from './commands/image/import.js';
import { imageInspectCommand } from './commands/image/inspect.js';
import { imageLoadCommand } from './commands/image/load.js';
import { imageLsCommand } from './commands/image/ls.js';
import { imagePullCommand } from './commands/image/pull.js';
import { imagePushCommand } from './commands/image/push.js';
import { imagePruneCommand } from './commands/image/prune.js';
import { imageRmCommand } from './commands/image/rm.js';
import { imageSaveCommand } from './commands/image/save.js';
import { imageSeedCommand } from './commands/image/seed.js';
import { imageTagCommand } from './commands/image/tag.js';
import { networkConnectCommand } from './commands/network/connect.js';
import { networkCreateCommand } from './commands/network/create.js';
import { networkDisconnectCommand } from './commands/network/disconnect.js';
import { networkInspectCommand } from './commands/network/inspect.js';
import { networkLsCommand } from './commands/network/ls.js';
import { networkPruneCommand } from './commands/network/prune.js';
import { networkRmCommand } from './commands/network/rm.js';
import { volumeCreateCommand } from './commands/volume/create.js';
import { volumeInspectCommand } from './commands/volume/inspect.js';
import { volumeLsCommand } from './commands/volume/ls.js';
import { volumePruneCommand } from './commands/volume/prune.js';
import { volumeRmCommand } from './commands/volume/rm.js';
import { systemDfCommand } from './commands/system/df.js';
import { eventsCommand } from './commands/system/events.js';
import { infoCommand } from './commands/system/info.js';
import { inspectCommand } from './commands/system/inspect.js';
import { loginCommand } from './commands/system/login.js';
import { logoutCommand } from './commands/system/logout.js';
import { versionCommand } from './commands/system/version.js';

export const COMMANDS = [
  runCommand,
  createCommand,
  startCommand,
  stopCommand,
  restartCommand,
  killCommand,
  rmCommand,
  psCommand,
  logsCommand,
  execCommand,
  attachCommand,
  topCommand,
  portCommand,
  statsCommand,
  waitCommand,
  updateCommand,
  pauseCommand,
  unpauseCommand,
  renameCommand,
  cpCommand,
  diffCommand,
  exportCommand,
  commitCommand,
  containerInspectCommand,
  containerPruneCommand,
  inspectCommand,
  imageLsCommand,
  imageInspectCommand,
  imageHistoryCommand,
  imageTagCommand,
  imagePullCommand,
  imagePushCommand,
  imageRmCommand,
  imageSaveCommand,
  imageLoadCommand,
  imageImportCommand,
  imagePruneCommand,
  imageSeedCommand,
  // In docker's order for `berth network --help`.
  networkConnectCommand,
  networkCreateCommand,
  networkDisconnectCommand,
  networkInspectCommand,
  networkLsCommand,
  networkPruneCommand,
  networkRmCommand,
  // In docker's order for `berth volume --help` (without the cluster-only update).
  volumeCreateCommand,
  volumeInspectCommand,
  volumeLsCommand,
  volumePruneCommand,
  volumeRmCommand,
  systemDfCommand,
  infoCommand,
  eventsCommand,
  versionCommand,
  loginCommand,
  logoutCommand,
] as CommandSpec<never>[];
