import { describe, expect, it } from 'vitest';
import { projectPathFromWebUrl } from '../../src/gitlab/snapshot.js';
import { nextLinkQuery } from '../../src/gitlab/pagination.js';

describe('URLs', () => {
  it('reads the project path from a pipeline web_url, with or without a relative root', () => {
    expect(projectPathFromWebUrl('https://gitlab.com/a/b/c/-/pipelines/12', 'https://gitlab.com/api/v4')).toBe('a/b/c');
    expect(projectPathFromWebUrl('https://h.test/gitlab/a/b/-/pipelines/12', 'https://h.test/gitlab/api/v4')).toBe('a/b');
    expect(projectPathFromWebUrl('https://public.test/a/b/-/pipelines/12', 'http://internal:8080/api/v4')).toBe('a/b');
    expect(projectPathFromWebUrl('https://h.test/a/b/pipelines/12', 'https://h.test/api/v4')).toBeUndefined();
    expect(projectPathFromWebUrl(undefined, 'https://h.test/api/v4')).toBeUndefined();
  });

  it('keeps only the query of Link rel="next"', () => {
    const link = '<https://h.test/api/v4/x?page=1&per_page=100>; rel="first", <https://other.test/api/v4/x?id_after=5&per_page=100>; rel="next"';
    expect(nextLinkQuery(link)).toEqual({ id_after: '5', per_page: '100' });
    expect(nextLinkQuery('<https://h.test/x?page=1>; rel="first"')).toBeNull();
  });
});
