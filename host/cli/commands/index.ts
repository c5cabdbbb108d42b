import type { Command } from '../command.js';
import { dataListCommand } from './data-list.js';
import { demoCommand } from './demo.js';

/** Every `bws` command; the CLI matches the longest word sequence. */
export const COMMANDS: readonly Command[] = [dataListCommand, demoCommand];
