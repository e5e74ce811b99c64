import { describe, expect, it } from 'vitest';
import { projectPathFromWebUrl } from '../../src/gitlab/snapshot.js';
import { targetOf } from '../../src/gitlab/gitbeaker.js';

describe('URLs', () => {
  it('reads the project path from a pipeline web_url, with or without a relative root', () => {
    expect(projectPathFromWebUrl('https://gitlab.com/a/b/c/-/pipelines/12', 'https://gitlab.com/api/v4')).toBe('a/b/c');
    expect(projectPathFromWebUrl('https://h.test/gitlab/a/b/-/pipelines/12', 'https://h.test/gitlab/api/v4')).toBe('a/b');
    expect(projectPathFromWebUrl('https://public.test/a/b/-/pipelines/12', 'http://internal:8080/api/v4')).toBe('a/b');
    expect(projectPathFromWebUrl('https://h.test/a/b/pipelines/12', 'https://h.test/api/v4')).toBeUndefined();
    expect(projectPathFromWebUrl(undefined, 'https://h.test/api/v4')).toBeUndefined();
  });

  it('names what a gitbeaker endpoint is about, for messages and request counts', () => {
    expect(targetOf('/projects/g%2Fp')).toEqual({ kind: 'project', project: 'g/p' });
    expect(targetOf('/projects/4/pipelines/9')).toEqual({ kind: 'pipeline', project: '4', pipelineId: 9 });
    expect(targetOf('/projects/4/pipelines/9/jobs')).toEqual({ kind: 'jobs', project: '4', pipelineId: 9 });
    expect(targetOf('/projects/4/pipelines/9/bridges')).toEqual({ kind: 'bridges', project: '4', pipelineId: 9 });
    expect(targetOf('/projects/4/pipelines/9/test_report_summary')).toEqual({ kind: 'test_report', project: '4', pipelineId: 9 });
    expect(targetOf('/projects/4/jobs/77/trace')).toEqual({ kind: 'log', project: '4', jobId: 77 });
  });
});
