import { describe, expect, it } from 'vitest';
import { renderReportHtml, type ReportData } from '../../src/report/index.js';

const hostile = '</script><script>alert(1)</script><!-- "\'&';
const data: ReportData = {
  generatedAt: '2024-05-03T00:00:00.000Z',
  range: { from: '2024-05-01T00:00:00.000Z', to: '2024-05-03T00:00:00.000Z', projectId: null },
  dailyDuration: [],
  timeToE2eByRef: [{ ref: hostile, pipelines: 1, p50: 1, p95: 2 }],
  jobTable: [{ job: hostile, stage: 'test', runs: 1 }],
  queueVsRun: [],
  slowestSections: [],
  fixFirst: [],
  gantt: [
    {
      id: 1,
      ref: hostile,
      name: hostile,
      duration: 3,
      pathDuration: 3,
      steps: [{ name: hostile, pipelineId: 1, jobId: 2, kind: 'build', wait: 0, queue: 1, run: 2, end: 3 }],
    },
  ],
};

describe('renderReportHtml', () => {
  it('keeps data inside its JSON island: hostile names cannot close a script or open a comment', () => {
    const html = renderReportHtml(data, 'window.Chart = {}; // "</script>" in a library string');
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html).not.toContain('<!--');
    const island = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]!;
    expect(JSON.parse(island)).toEqual(data);
  });

  it('forbids network requests with a Content-Security-Policy', () => {
    expect(renderReportHtml(data, '')).toContain(
      `content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"`,
    );
  });
});
