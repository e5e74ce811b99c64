import type { Payload } from '../payload/schema.js';

/** Result of storing one pipeline: `created` (HTTP 200) or `duplicate` (HTTP 208). */
export type SaveOutcome = 'created' | 'duplicate';

/**
 * A place payloads are written to. One pipeline is written all-or-nothing; storing a pipeline
 * that is already there reports `duplicate` and changes nothing, also under concurrency.
 */
export interface PayloadSink {
  save(payload: Payload): Promise<SaveOutcome>;
  /**
   * Optional, for a store that batches concurrent saves: announces a save of this process that
   * will follow shortly (its payload is being written to another store first), so a batch may
   * wait a few milliseconds for it. The returned function withdraws the announcement; call it
   * right before that save, or when the save will not happen (repeated calls do nothing).
   */
  announceSave?(): () => void;
  /** throws when the store cannot be reached */
  ping(): Promise<void>;
  close(): Promise<void>;
}
