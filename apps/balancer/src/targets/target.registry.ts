import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { BALANCER_CONFIG, BalancerConfig } from '../balancer.config';
import {
  HealthCheckResult,
  initialHealthState,
  nextHealthState,
  Target,
  TARGET_REASONS,
} from './target';
import { TargetStateFile } from './target-state.file';

/** RegisterOutcome says whether a registration created a target or updated an existing one. */
export interface RegisterOutcome {
  target: Target;
  created: boolean;
}

/** TargetPick is the target chosen for one request, and whether it was chosen failing open. */
export interface TargetPick {
  target: Target;
  failOpen: boolean;
}

/**
 * TargetRegistry is the balancer's target group: registration, health state, round-robin choice
 * and draining. It is the only place a target changes; the proxy, the health checker and the
 * admin API all go through it. Every registration change is written to the TargetStateFile, and a
 * starting registry restores what it holds.
 */
@Injectable()
export class TargetRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Targets');
  /** Insertion order is the round-robin order. */
  private readonly targets = new Map<string, Target>();
  private readonly drainTimers = new Map<string, NodeJS.Timeout>();
  private readonly registeredListeners: ((target: Target) => void)[] = [];
  private cursor = 0;
  private generations = 0;
  private wasFailingOpen = false;

  constructor(
    @Inject(BALANCER_CONFIG) private readonly config: BalancerConfig,
    private readonly stateFile: TargetStateFile,
  ) {}

  /**
   * onModuleInit restores the targets of the state file, each in `initial` like a new
   * registration: with none healthy yet the balancer fails open, so they serve at once while
   * their first checks run (the health checker checks every target as soon as it starts).
   */
  onModuleInit(): void {
    const restored = this.stateFile.read();
    for (const { id, address, registeredAt } of restored) {
      const [host, port] = splitAddress(address);
      this.targets.set(id, {
        id,
        address,
        host,
        port,
        inFlight: 0,
        registeredAt,
        generation: ++this.generations,
        ...initialHealthState(),
      });
    }
    if (restored.length > 0) {
      this.logger.log(
        `restored ${restored.length} target(s) from ${this.stateFile.path}: ${restored.map((t) => t.id).join(', ')}`,
      );
    }
  }

  /** onRegistered calls `listener` after every (re-)registration (the health checker's cue). */
  onRegistered(listener: (target: Target) => void): void {
    this.registeredListeners.push(listener);
  }

  /**
   * register adds a target, or re-registers one: the same address again changes nothing (like
   * RegisterTargets, it is idempotent); a new address, or a draining target, starts over in
   * `initial` (a draining target keeps its in-flight count).
   */
  register(id: string, address: string, now = new Date()): RegisterOutcome {
    const existing = this.targets.get(id);
    if (existing && existing.address === address && existing.health !== 'draining') {
      return { target: existing, created: false };
    }
    const [host, port] = splitAddress(address);
    this.clearDrainTimer(id);
    const target: Target = {
      id,
      address,
      host,
      port,
      inFlight: existing?.inFlight ?? 0,
      registeredAt: now,
      generation: ++this.generations,
      ...initialHealthState(),
    };
    if (existing) Object.assign(existing, target);
    else this.targets.set(id, target);
    const registered = existing ?? target;
    this.logger.log(`${existing ? 're-registered' : 'registered'} ${id} at ${address}`);
    this.persist();
    for (const listener of this.registeredListeners) listener(registered);
    return { target: registered, created: !existing };
  }

  /**
   * deregister starts draining: the target gets no new requests and is removed when its in-flight
   * requests reach 0, or after BALANCER_DEREGISTRATION_DELAY_MS, whichever comes first (ELBv2
   * completes a deregistration at once when nothing is in flight). Returns undefined for an
   * unknown id.
   */
  deregister(id: string): Target | undefined {
    const target = this.targets.get(id);
    if (!target) return undefined;
    if (target.health !== 'draining') {
      Object.assign(target, {
        health: 'draining',
        reason: TARGET_REASONS.deregistrationInProgress,
        description: 'Target deregistration is in progress',
        passes: 0,
        failures: 0,
      });
      this.logger.log(`draining ${id} (${target.inFlight} in flight)`);
      this.persist();
      if (target.inFlight > 0) {
        const timer = setTimeout(
          () => this.remove(id, 'deregistration delay elapsed'),
          this.config.BALANCER_DEREGISTRATION_DELAY_MS,
        );
        timer.unref();
        this.drainTimers.set(id, timer);
      }
    }
    const view = { ...target };
    if (target.inFlight === 0) this.remove(id, 'nothing in flight');
    return view;
  }

  /** get returns the target with this id (draining included). */
  get(id: string): Target | undefined {
    return this.targets.get(id);
  }

  /** list returns every registered and draining target, in registration order. */
  list(): Target[] {
    return [...this.targets.values()];
  }

  /** checkable returns the targets the health checker should probe (draining ones are not). */
  checkable(): Target[] {
    return this.list().filter((t) => t.health !== 'draining');
  }

  /**
   * pick chooses the next target in round-robin order, skipping `exclude` (the target that just
   * refused a connection). It picks among the healthy targets; when none is healthy it fails open,
   * as an ALB does, and picks among every registered (not draining) target, because a health check
   * that fails everywhere at once is more often a broken check or a shared dependency than a pool
   * that cannot serve (issue #9). Undefined only when no target is registered at all.
   */
  pick(exclude?: string): TargetPick | undefined {
    const healthy: Target[] = [];
    const serving: Target[] = [];
    for (const target of this.targets.values()) {
      if (target.health === 'draining') continue;
      serving.push(target);
      if (target.health === 'healthy') healthy.push(target);
    }
    this.noteFailOpen(healthy.length === 0 && serving.length > 0);
    const failOpen = healthy.length === 0;
    const candidates = (failOpen ? serving : healthy).filter((t) => t.id !== exclude);
    if (candidates.length === 0) return undefined;
    const target = candidates[this.cursor % candidates.length];
    this.cursor = (this.cursor + 1) % Number.MAX_SAFE_INTEGER;
    return { target, failOpen };
  }

  /**
   * failingOpen tells whether requests go to every registered target because none is healthy
   * (shown by the admin API's /health).
   */
  get failingOpen(): boolean {
    const serving = this.checkable();
    return serving.length > 0 && serving.every((t) => t.health !== 'healthy');
  }

  /** acquire counts one more request in flight on `target`. */
  acquire(target: Target): void {
    target.inFlight += 1;
  }

  /** release counts one request less; a draining target with nothing left in flight is removed. */
  release(target: Target): void {
    target.inFlight = Math.max(0, target.inFlight - 1);
    if (
      target.inFlight === 0 &&
      target.health === 'draining' &&
      this.targets.get(target.id) === target
    ) {
      this.remove(target.id, 'in-flight requests completed');
    }
  }

  /**
   * recordCheck applies a health-check result to the registration `generation` it was made for;
   * a result for an older registration, a removed or a draining target is dropped.
   */
  recordCheck(id: string, generation: number, result: HealthCheckResult): void {
    const target = this.targets.get(id);
    if (!target || target.generation !== generation || target.health === 'draining') return;
    const before = target.health;
    Object.assign(
      target,
      nextHealthState(target, result, {
        healthy: this.config.BALANCER_HEALTHY_THRESHOLD,
        unhealthy: this.config.BALANCER_UNHEALTHY_THRESHOLD,
      }),
    );
    if (target.health !== before) {
      const why = target.description ? ` (${target.reason}: ${target.description})` : '';
      this.logger.log(`${id} ${before} -> ${target.health}${why}`);
    }
  }

  onModuleDestroy(): void {
    for (const timer of this.drainTimers.values()) clearTimeout(timer);
    this.drainTimers.clear();
  }

  /** noteFailOpen logs when the balancer starts and stops failing open (once each, not per request). */
  private noteFailOpen(failOpen: boolean): void {
    if (failOpen === this.wasFailingOpen) return;
    this.wasFailingOpen = failOpen;
    if (failOpen) {
      this.logger.warn(
        'no healthy target: failing open, requests go to every registered target until one passes its health checks',
      );
    } else {
      this.logger.log('a target is healthy again: no longer failing open');
    }
  }

  /**
   * persist writes the registered targets to the state file. Draining ones are left out: a
   * restarted balancer has lost their in-flight requests, and they must not get new ones.
   */
  private persist(): void {
    this.stateFile.write(this.checkable());
  }

  private remove(id: string, why: string): void {
    this.clearDrainTimer(id);
    if (this.targets.delete(id)) this.logger.log(`removed ${id}: ${why}`);
  }

  private clearDrainTimer(id: string): void {
    const timer = this.drainTimers.get(id);
    if (timer) clearTimeout(timer);
    this.drainTimers.delete(id);
  }
}

/** splitAddress splits a validated `host:port` or `[v6]:port` (the admin API validates it). */
function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at).replace(/^\[(.*)\]$/, '$1');
  return [host, Number(address.slice(at + 1))];
}
