import { inject } from 'vitest';

// Every test process (and every CLI it spawns) writes temporary files under the run's scratch
// directory, which the global setup removes at the end.
process.env.TMPDIR = inject('scratchDir');
