/** ComputeState is the provider's view of one instance. */
export type ComputeState = 'pending' | 'running' | 'stopping' | 'terminated';

/** ComputeInstance is one worker as the compute provider sees it. */
export interface ComputeInstance {
  /** `i-` + hex, for EC2 and local workers alike. */
  id: string;
  state: ComputeState;
  /** `host:port` the load balancer reaches the worker at; null until known. */
  address: string | null;
  launchedAt: Date;
  /**
   * The client token of the launch that started it, when the provider tells (local state files,
   * EC2's ClientToken): lets the fleet find the launch of an instance still pending.
   */
  clientToken?: string;
}

/** LaunchRequest asks for one instance; `clientToken` makes the launch idempotent. */
export interface LaunchRequest {
  /** Derived from the command id: the same token never launches twice (EC2 ClientToken). */
  clientToken: string;
}

/**
 * ComputePort launches, terminates and lists Ebbflow's workers: local processes or EC2
 * instances. It is also the DI token (bound in CloudModule).
 */
export abstract class ComputePort {
  /** launch starts one worker and resolves once it is running (has an address). */
  abstract launch(request: LaunchRequest): Promise<ComputeInstance>;
  /** terminate stops one worker; terminating an unknown or terminated worker is not an error. */
  abstract terminate(id: string): Promise<void>;
  /** describe lists Ebbflow's workers that are not terminated. */
  abstract describe(): Promise<ComputeInstance[]>;
}
