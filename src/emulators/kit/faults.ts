export interface FaultRule {
  /** How many matching requests it applies to (Infinity for all until cleared). */
  count: number;
  method?: string;
  path?: RegExp;
  /** Answer with this status instead of the handler. */
  status?: number;
  message?: string;
  extra?: Record<string, unknown>;
  retryAfterSeconds?: number;
  /** Delay before answering (or before the handler runs). */
  latencyMs?: number;
  /**
   * Delay after the handler ran: the answer reflects the moment the request arrived and is delivered
   * late (a slow read that races a change).
   */
  holdAnswerMs?: number;
  /** Close the connection without answering. */
  drop?: boolean;
}

export interface FaultDecision {
  status?: number;
  message?: string;
  extra?: Record<string, unknown>;
  retryAfterSeconds?: number;
  latencyMs?: number;
  holdAnswerMs?: number;
  drop?: boolean;
}

/** Faults consumed in order by matching requests. */
export class FaultInjector {
  private rules: FaultRule[] = [];
  /** Latency added to every request (benchmarks use 0). */
  baseLatencyMs = 0;

  add(rule: FaultRule): this {
    this.rules.push({ ...rule });
    return this;
  }

  /** The next N matching requests fail with status. */
  failNext(count: number, status: number, options: Omit<FaultRule, 'count' | 'status'> = {}): this {
    return this.add({ count, status, ...options });
  }

  /** The next N matching requests get 429 with a Retry-After. */
  rateLimit(
    count: number,
    retryAfterSeconds: number,
    options: Omit<FaultRule, 'count' | 'status'> = {},
  ): this {
    return this.add({ count, status: 429, retryAfterSeconds, message: 'Too Many Requests', ...options });
  }

  dropNext(count: number, options: Omit<FaultRule, 'count' | 'drop'> = {}): this {
    return this.add({ count, drop: true, ...options });
  }

  latency(ms: number, options: Omit<FaultRule, 'count' | 'latencyMs'> & { count?: number } = {}): this {
    return this.add({ count: Infinity, ...options, latencyMs: ms });
  }

  /** Every matching request fails until cleared (a vendor outage). */
  outage(status = 503, options: Omit<FaultRule, 'count' | 'status'> = {}): this {
    return this.add({ count: Infinity, status, message: 'Service Unavailable', ...options });
  }

  clear(): void {
    this.rules = [];
    this.baseLatencyMs = 0;
  }

  take(method: string, path: string): FaultDecision | undefined {
    const index = this.rules.findIndex(
      (r) =>
        r.count > 0 && (!r.method || r.method.toUpperCase() === method) && (!r.path || r.path.test(path)),
    );
    if (index < 0) return this.baseLatencyMs ? { latencyMs: this.baseLatencyMs } : undefined;
    const rule = this.rules[index];
    rule.count -= 1;
    if (rule.count <= 0) this.rules.splice(index, 1);
    return {
      status: rule.status,
      message: rule.message,
      extra: rule.extra,
      retryAfterSeconds: rule.retryAfterSeconds,
      latencyMs: (rule.latencyMs ?? 0) + this.baseLatencyMs || undefined,
      holdAnswerMs: rule.holdAnswerMs,
      drop: rule.drop,
    };
  }
}
