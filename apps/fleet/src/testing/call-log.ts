/** Call is one call a fake port received: the method and its main argument. */
export type Call = [method: string, arg: string];

/**
 * CallLog records the calls of every fake port in one sequence, so a spec can assert the order
 * across ports (deregister before terminate, launch before register).
 */
export class CallLog {
  readonly calls: Call[] = [];

  push(method: string, arg: string): void {
    this.calls.push([method, arg]);
  }

  /** of lists the calls concerning `arg` (an instance id or a client token), in order. */
  of(arg: string): string[] {
    return this.calls.filter(([, a]) => a === arg).map(([m]) => m);
  }

  /** count counts the calls of `method`. */
  count(method: string): number {
    return this.calls.filter(([m]) => m === method).length;
  }

  /** indexOf is the position of the first call `method(arg)`, or -1. */
  indexOf(method: string, arg: string): number {
    return this.calls.findIndex(([m, a]) => m === method && a === arg);
  }

  clear(): void {
    this.calls.length = 0;
  }
}
