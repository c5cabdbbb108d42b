import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Parsed flags and positionals of one command. */
export interface CommandInput {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
}

/** One `bws` command as the command table lists it: its words (e.g. ['data', 'import']), usage text, flags, and where its code is. */
export interface CommandSpec {
  readonly words: readonly string[];
  readonly usage: string;
  readonly summary: string;
  readonly options: OptionSpec;
  /** Loads the command's code: only the command that runs is loaded. */
  load(): Promise<CommandCode>;
}

/** A command's code: runs it with its parsed flags; the exit code (default 0). */
export interface CommandCode {
  run(input: CommandInput, command: CommandSpec): Promise<number | void>;
}

/** Flags every command takes. */
export const COMMON_OPTIONS = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

export function stringFlag(input: CommandInput, name: string): string | undefined {
  const v = input.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function boolFlag(input: CommandInput, name: string): boolean {
  return input.values[name] === true;
}

export function listFlag(input: CommandInput, name: string): string[] {
  const v = input.values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}
