import type { z } from 'zod';
import { ValidationError } from '../errors.js';
import { parseOrThrow } from '../validate.js';

/** Parses a GitLab JSON body and validates it; errors name the response and each field path. */
export function parseGitlabJson<S extends z.ZodType>(schema: S, body: string, subject: string): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (cause) {
    throw new ValidationError(subject, [`(root): not JSON: ${body.slice(0, 120)}`], { cause });
  }
  return parseOrThrow(schema, json, subject);
}
