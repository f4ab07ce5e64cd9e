import { Injectable } from '@nestjs/common';

/**
 * RequestCounter counts requests since it was last taken: the CloudWatch publisher sends one sum
 * per interval instead of one call per request.
 */
@Injectable()
export class RequestCounter {
  private count = 0;

  increment(): void {
    this.count += 1;
  }

  /** peek is the count so far. */
  peek(): number {
    return this.count;
  }

  /** take returns the count and starts again from zero. */
  take(): number {
    const count = this.count;
    this.count = 0;
    return count;
  }

  /** giveBack adds a count that could not be published to the next interval. */
  giveBack(count: number): void {
    this.count += count;
  }
}
