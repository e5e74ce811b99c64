// Preload for child processes: appends every resolved module URL to $PM_IMPORT_LOG.
import { register } from 'node:module';

register('./record-imports-hooks.mjs', import.meta.url);
