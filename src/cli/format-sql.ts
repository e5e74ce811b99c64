import Table from 'cli-table3';

/**
 * `--sql` for people: the SQL with one SELECT item per line, then its parameters as a table
 * (name, ClickHouse type from the SQL's `{name:Type}` placeholder, value).
 */
export function formatSqlText(sql: string, params: Readonly<Record<string, unknown>>): string {
  const lines = sql
    .split('\n')
    .flatMap((line) =>
      line.startsWith('SELECT ')
        ? ['SELECT', ...splitTopLevel(line.slice(7)).map((item, i, all) => `  ${item}${i < all.length - 1 ? ',' : ''}`)]
        : [line],
    );
  const names = Object.keys(params);
  if (names.length === 0) return `${lines.join('\n')}\n-- no parameters`;
  const types = placeholderTypes(sql);
  const table = new Table({ head: ['parameter', 'type', 'value'], style: { head: [], border: [], compact: true } });
  for (const name of names) table.push([name, types.get(name) ?? '', display(params[name])]);
  return `${lines.join('\n')}\n\n${table.toString()}`;
}

/** Splits at commas outside (), [], {} and quotes. */
function splitTopLevel(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '`' || c === '"') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      items.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  items.push(text.slice(start).trim());
  return items;
}

/** `{p0:String}` → p0 → String; types may hold parentheses and quotes (`DateTime64(6, 'UTC')`). */
function placeholderTypes(sql: string): Map<string, string> {
  return new Map([...sql.matchAll(/\{(\w+):([^}]+)\}/g)].map((m) => [m[1]!, m[2]!]));
}

function display(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
