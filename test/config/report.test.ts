import { describe, expect, it } from 'vitest';
import { resolveReportConfig } from '../../src/config/report.js';

const now = new Date('2024-05-08T12:00:00Z');

describe('resolveReportConfig', () => {
  it('follows query’s rules for range, project and ClickHouse; writes report.html by default', () => {
    expect(resolveReportConfig({ from: '2024-05-01', project: '42' }, { CLICKHOUSE_URL: 'http://ch:8123' }, { now })).toEqual({
      context: { fromTime: new Date('2024-05-01T00:00:00Z'), toTime: now, projectId: 42 },
      clickhouse: 'http://ch:8123',
      out: 'report.html',
    });
    expect(resolveReportConfig({ out: 'public/index.html', clickhouse: '/data/ch' }, {}, { now })).toMatchObject({
      clickhouse: '/data/ch',
      out: 'public/index.html',
    });
  });

  it('keeps a project path to look up in the store; an id goes to the context', () => {
    const config = resolveReportConfig({ project: 'group/app' }, {}, { now });
    expect([config.project, config.context.projectId]).toEqual(['group/app', undefined]);
  });

  it('lists every bad option at once, naming the command', () => {
    expect(() => resolveReportConfig({ from: 'bogus', project: 'x' }, {}, { now })).toThrow(
      /^report options are invalid:\n {2}--from: invalid time "bogus".*\n {2}--project: expected a numeric project id or a full path such as group\/app, got "x"$/s,
    );
  });
});
