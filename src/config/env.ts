/** The one place that reads the process environment. Everything else receives an `Env`. */
export type Env = Readonly<Record<string, string | undefined>>;

export function readEnv(): Env {
  return process.env;
}

/** First non-empty value among the named variables. */
export function firstEnv(env: Env, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return value.trim();
  }
  return undefined;
}
