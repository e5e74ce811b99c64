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
    const message = error instanceof YAMLError ? error.message.split('\n', 1)[0]! : String(error);
    return { ok: false, message };
  }
}
