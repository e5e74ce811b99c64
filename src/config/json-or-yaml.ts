export type ParsedText = { ok: true; data: unknown } | { ok: false; message: string };

/**
 * JSON or YAML text (YAML is a superset of JSON) → plain data, for config and query files.
 * Duplicate keys are errors; alias expansion is bounded (a "billion laughs" file is refused).
 * The one importer of `yaml`, loaded on first use so start-up (`--help`, `collect`) never pays for it.
 */
export async function parseJsonOrYaml(text: string): Promise<ParsedText> {
  // `yaml` is CommonJS: its `default` export is module.exports under Node and in the bundle alike
  const { parse, YAMLError } = (await import('yaml')).default;
  try {
    return { ok: true, data: parse(text, { uniqueKeys: true, maxAliasCount: 100 }) };
  } catch (error) {
    return { ok: false, message: error instanceof YAMLError ? describeYamlError(error, text) : String(error) };
  }
}

/**
 * yaml's message is a headline ending in "at line 3, column 1:" and a multi-line excerpt; we keep
 * the headline (without the dangling colon) and quote the offending line, all on one line.
 */
function describeYamlError(error: { message: string; linePos?: [{ line: number; col: number }, ...unknown[]] }, text: string): string {
  const headline = error.message.split('\n', 1)[0]!.replace(/:\s*$/, '');
  const line = error.linePos?.[0].line;
  const source = line === undefined ? undefined : text.split(/\r?\n/)[line - 1];
  return source?.trim() ? `${headline}: ${JSON.stringify(source)}` : headline;
}
