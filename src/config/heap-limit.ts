/**
 * The V8 heap limit one vaultwatch process starts with (`npm run start:prod`, the Dockerfile,
 * and the service the benchmark runs; heap-limit.spec.ts checks they agree).
 *
 * Without a limit V8 sizes the old space from the machine's memory and lets garbage pile up
 * far beyond what is alive: a 1,000-user run peaked at 530 MB RSS while the live heap stayed
 * near 60–120 MB. 384 MB keeps RSS under 512 MB (young generation, code and buffers come on
 * top) and leaves room, beside that working set, for the largest rule test: its look-back
 * window keeps at most 100,000 events (about 160 MB; see REPLAY_LIMITS).
 */
export const HEAP_LIMIT_MB = 384;

export const HEAP_LIMIT_FLAG = `--max-old-space-size=${HEAP_LIMIT_MB}`;
