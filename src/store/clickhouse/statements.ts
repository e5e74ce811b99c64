/**
 * Splits a migration file into statements at top-level `;`. Quoted text ('…', "…", `…`, with
 * backslash or doubled-quote escapes) and comments (`-- …`, `/* … *\/`) are never split;
 * comments are dropped, and statements that are empty after that are omitted.
 * ClickHouse's HTTP interface runs one statement per request, hence the split.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    if (ch === '-' && next === '-') {
      i = skipUntil(sql, i, '\n');
    } else if (ch === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
      current += ' ';
    } else if (ch === "'" || ch === '"' || ch === '`') {
      const end = quotedEnd(sql, i, ch);
      current += sql.slice(i, end);
      i = end;
    } else if (ch === ';') {
      pushStatement(statements, current);
      current = '';
      i += 1;
    } else {
      current += ch;
      i += 1;
    }
  }
  pushStatement(statements, current);
  return statements;
}

function pushStatement(statements: string[], text: string): void {
  const trimmed = text.trim();
  if (trimmed !== '') statements.push(trimmed);
}

/** index of `stop` (kept in the output) or the end of the text */
function skipUntil(sql: string, from: number, stop: string): number {
  const end = sql.indexOf(stop, from);
  return end === -1 ? sql.length : end;
}

/** index just past the closing quote of the quoted text starting at `start` */
function quotedEnd(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === '\\') i += 2;
    else if (ch === quote && sql[i + 1] === quote) i += 2;
    else if (ch === quote) return i + 1;
    else i += 1;
  }
  return sql.length;
}
