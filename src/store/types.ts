import type { Payload } from '../payload/schema.js';

/** Result of storing one pipeline: `created` (HTTP 200) or `duplicate` (HTTP 208). */
export type SaveOutcome = 'created' | 'duplicate';

/**
 * A place payloads are written to. One pipeline is written all-or-nothing; storing a pipeline
 * that is already there reports `duplicate` and changes nothing, also under concurrency.
 */
export interface PayloadSink {
  save(payload: Payload): Promise<SaveOutcome>;
  /** throws when the store cannot be reached */
  ping(): Promise<void>;
  close(): Promise<void>;
}
