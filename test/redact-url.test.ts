import { describe, expect, it } from 'vitest';
import { redactUrl } from '../src/redact-url.js';

describe('redactUrl', () => {
  it('drops the password and the query string, keeps the user', () => {
    expect(redactUrl('https://user:pw@metrics.example/save_metrics')).toBe('https://user@metrics.example/save_metrics');
    expect(redactUrl('postgres://app:s3cret@db:5432/metrics?password=x&sslmode=require')).toBe('postgres://app@db:5432/metrics');
  });

  it('never echoes text that is not a URL', () => {
    expect(redactUrl('//app:s3cret@db:5432/metrics')).toBe('(unparsable URL)');
  });
});
