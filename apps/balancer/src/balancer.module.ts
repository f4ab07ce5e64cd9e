import { DynamicModule, Module } from '@nestjs/common';
import { AdminController } from './admin/admin.controller';
import { BALANCER_CONFIG, BalancerConfig } from './balancer.config';
import { HealthChecker } from './health-check/health.checker';
import { BalancerProxy } from './proxy/balancer.proxy';
import { TargetStateFile } from './targets/target-state.file';
import { TargetRegistry } from './targets/target.registry';

/**
 * BalancerModule wires the balancer: the target registry, its health checker, the public proxy
 * and the admin API. One module rather than one per folder: the four parts share one registry
 * and nothing else, so sub-modules would only re-export it.
 */
@Module({})
export class BalancerModule {
  static forRoot(config: BalancerConfig): DynamicModule {
    return {
      module: BalancerModule,
      controllers: [AdminController],
      providers: [
        { provide: BALANCER_CONFIG, useValue: config },
        { provide: TargetStateFile, useValue: new TargetStateFile(config.BALANCER_STATE_FILE) },
        TargetRegistry,
        HealthChecker,
        BalancerProxy,
      ],
      exports: [TargetRegistry, BalancerProxy],
    };
  }
}
