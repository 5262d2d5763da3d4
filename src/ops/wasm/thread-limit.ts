/**
 * How many threads the wasm backend can run, alone in its file so that the API and the CLI can
 * check a `threads` option without loading the thread and module-writer code (threads.ts), which
 * is imported only when a wasm backend is created.
 */

/** Worker slots in the control words threads.ts places in the memory. */
export const MAX_WORKERS = 8;
/** The most threads `startThreads` can run: the workers the control words hold, and the caller. */
export const MAX_THREADS = MAX_WORKERS + 1;
