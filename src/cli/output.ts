import { writeFile } from 'node:fs/promises';

/** stdout carries data only; stderr carries diagnostics. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  isTTY: boolean;
  /** stdout is a terminal (e.g. `query` prints a table by default); absent = not a terminal */
  outIsTTY?: boolean;
}

export const processIO: CliIO = {
  out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  isTTY: Boolean(process.stderr.isTTY),
  outIsTTY: Boolean(process.stdout.isTTY),
};

/** Writes data to a file when given, else to stdout. */
export async function emit(io: CliIO, text: string, file?: string): Promise<void> {
  if (file) await writeFile(file, text.endsWith('\n') ? text : `${text}\n`);
  else io.out(text);
}

/** Help text suffix showing an option's environment fallbacks. */
export function envHint(...names: string[]): string {
  return ` (env: ${names.join(', ')})`;
}
