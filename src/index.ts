/** Library entry: the payload contract and the pure cores, for programs that embed pipeline-metrics. */
export * from './payload/schema.js';
export * from './payload/options.js';
export * from './errors.js';
