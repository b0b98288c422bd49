/** Tuning of the code service; the defaults suit real vendors, tests pass a few milliseconds. */
export interface CodeServiceOptions {
  /** First read-back after a send; doubles up to pollMaxMs while waiting for confirmation. */
  pollInitialMs?: number;
  pollMaxMs?: number;
  /**
   * How long an operation that was not confirmed within confirmTimeoutMs (or whose send ended
   * ambiguously) keeps being followed in the background, from when it was requested. After that it
   * ends as failed with `timeout`.
   */
  followUpMs?: number;
  /** Read-back interval while following an operation in the background. */
  followUpPollMs?: number;
  /** First wait before retrying a resumed operation whose vendor could not be reached. */
  resumeRetryMs?: number;
  /** How many locks of a code set are worked on at once. */
  setConcurrency?: number;
}

export type ResolvedOptions = Required<CodeServiceOptions>;

export function resolveOptions(options: CodeServiceOptions = {}): ResolvedOptions {
  return {
    pollInitialMs: options.pollInitialMs ?? 250,
    pollMaxMs: options.pollMaxMs ?? 5_000,
    followUpMs: options.followUpMs ?? 60 * 60_000,
    followUpPollMs: options.followUpPollMs ?? 60_000,
    resumeRetryMs: options.resumeRetryMs ?? 1_000,
    setConcurrency: Math.max(1, options.setConcurrency ?? 4),
  };
}
