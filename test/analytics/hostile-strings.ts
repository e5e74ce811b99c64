/** Strings that would break out of a quoted literal, an identifier, a comment or a placeholder. */
export const HOSTILE_STRINGS = [
  "'; DROP TABLE ci_finished_builds; --",
  "\\' OR 1=1 --",
  '` FROM system.users --',
  '" OR ""="',
  '/* comment */ 1',
  '*/ SELECT 1 /*',
  'job; SELECT * FROM system.tables',
  '{p0:String}',
  '{x:String}',
  "{from_time:DateTime64(6, 'UTC')}",
  'a\u0000b',
  '\u02bc OR 1=1 --',
  '\u202e\u200bzero-width',
  "%' UNION ALL SELECT name FROM system.users --",
  'x'.repeat(255),
] as const;
