/**
 * Spaces requests so that one token stays under its per-minute budget
 * (the Events API allows 600 requests a minute per token).
 */
export class RateLimiter {
  private nextSlot = 0;
  private readonly spacingMs: number;

  constructor(requestsPerMinute: number) {
    this.spacingMs = 60_000 / requestsPerMinute;
  }

  async take(): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.spacingMs;
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  }
}
