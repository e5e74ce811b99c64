import { describe, expect, it } from 'vitest';
import type { GitlabJob } from '../../src/gitlab/types.js';
import { isFinished } from '../../src/payload/job-selection.js';
import { COMPLETED_STATUSES } from '../../src/payload/statuses.js';

const job = (status: string, finished_at: string | null): GitlabJob =>
  ({ id: 1, name: 'build', stage: 'build', status, finished_at }) as unknown as GitlabJob;

describe('isFinished: the one rule of a finished attempt', () => {
  it("counts GitLab's completed statuses with a finished_at", () => {
    for (const status of COMPLETED_STATUSES) expect(isFinished(job(status, '2024-05-01T10:00:00.000Z')), status).toBe(true);
  });

  it('never counts an attempt without a finished_at, nor one still moving or of a status it does not know', () => {
    expect(isFinished(job('success', null))).toBe(false);
    for (const status of ['created', 'pending', 'running', 'manual', 'scheduled', 'canceling', 'waiting_for_resource', 'a_new_status'])
      expect(isFinished(job(status, '2024-05-01T10:00:00.000Z')), status).toBe(false);
  });
});
