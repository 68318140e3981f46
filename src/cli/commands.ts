// Every berth command, listed once (explicit wiring: no command registers itself).

import type { CommandSpec } from './command-spec.js';
import { imageHistoryCommand } from './commands/image/history.js';
import { imageImportCommand } from './commands/image/import.js';
import { imageInspectCommand } from './commands/image/inspect.js';
import { imageLoadCommand } from './commands/image/load.js';
import { imageLsCommand } from './commands/image/ls.js';
import { imagePruneCommand } from './commands/image/prune.js';
import { imageRmCommand } from './commands/image/rm.js';
import { imageSaveCommand } from './commands/image/save.js';
import { imageSeedCommand } from './commands/image/seed.js';
import { imageTagCommand } from './commands/image/tag.js';
import { systemDfCommand } from './commands/system/df.js';
import { eventsCommand } from './commands/system/events.js';
import { infoCommand } from './commands/system/info.js';
import { versionCommand } from './commands/system/version.js';

export const COMMANDS = [
  imageLsCommand,
  imageInspectCommand,
  imageHistoryCommand,
  imageTagCommand,
  imageRmCommand,
  imageSaveCommand,
  imageLoadCommand,
  imageImportCommand,
  imagePruneCommand,
  imageSeedCommand,
  systemDfCommand,
  infoCommand,
  eventsCommand,
  versionCommand,
] as CommandSpec<never>[];
