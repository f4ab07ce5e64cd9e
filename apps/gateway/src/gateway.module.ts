import { DynamicModule, Logger, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseModule } from '@app/database';
import { MessagingModule } from '@app/messaging';
import { ActivityApiController } from './activity/activity.api.controller';
import { ActivityEntity } from './activity/activity.entity';
import { ActivityService } from './activity/activity.service';
import { AuthGuard } from './auth/auth.guard';
import { MANAGER_USER, ManagerCredentials } from './auth/credentials';
import { LoginPageController } from './auth/login.page.controller';
import { Clock, LoginThrottle } from './auth/login-throttle';
import { ClearApiController } from './clear/clear.api.controller';
import { ClearPageController } from './clear/clear.page.controller';
import { ClearService } from './clear/clear.service';
import { GATEWAY_ENTITIES, GATEWAY_MIGRATIONS } from './database/gateway.database';
import { GatewayEventsController } from './events/gateway.events.controller';
import { GatewayConfig } from './gateway.config';
import { GATEWAY_CONFIG } from './gateway.tokens';
import { HealthController } from './health/health.controller';
import { DatabasePing, TypeormDatabasePing } from './health/database.ping';
import { HealthService } from './health/health.service';
import { GatewayExceptionFilter } from './http/gateway-exception.filter';
import { FleetViewService } from './live/fleet-view.service';
import { LiveController } from './live/live.controller';
import { ElbPageController } from './pages/elb.page.controller';
import { HomePageController } from './pages/home.page.controller';
import { PolicyApiController, ScalerApiController } from './policy/policy.api.controller';
import { PolicyPageController } from './policy/policy.page.controller';
import { PolicyService } from './policy/policy.service';
import { GatewayExit, ProcessGatewayExit } from './shutdown/gateway-exit';
import { ShutdownApiController } from './shutdown/shutdown.api.controller';
import { ShutdownPageController } from './shutdown/shutdown.page.controller';
import { ShutdownService } from './shutdown/shutdown.service';
import { ApiTokenEntity } from './tokens/api-token.entity';
import { ApiTokenService } from './tokens/api-token.service';
import { ApiTokensPageController } from './tokens/api-tokens.page.controller';
import { WorkersApiController } from './workers/workers.api.controller';
import { WorkersPageController } from './workers/workers.page.controller';
import { WorkersService } from './workers/workers.service';

/** GatewayModuleOptions are what a caller (main.ts or a test) decides besides the config. */
export interface GatewayModuleOptions {
  /** The manager's credentials (default: MANAGER_PASSWORD, or a generated one, logged once). */
  credentials?: ManagerCredentials;
  /** How "Stopping" ends the gateway (default: SIGTERM to this process). */
  exit?: GatewayExit;
  /** The login throttle's clock (default: Date.now; tests pass a fake one). */
  clock?: Clock;
}

/**
 * GatewayModule is the manager: pages, JSON API, login, `/health`, the live views and the
 * activity list. It talks to the other services only through the MessageBus.
 */
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig, options: GatewayModuleOptions = {}): DynamicModule {
    const credentials =
      options.credentials ?? ManagerCredentials.fromConfig(config.MANAGER_PASSWORD);
    if (credentials.generated) {
      // Printed once, here: the operator needs it to log in, and it is stored nowhere. A warning,
      // so that LOG_LEVEL=warn still shows it.
      new Logger('Gateway').warn(
        `MANAGER_PASSWORD is not set; log in as "${MANAGER_USER}" with the generated password: ` +
          `${credentials.password}`,
      );
    }
    return {
      module: GatewayModule,
      imports: [
        MessagingModule.forRoot('gateway', config),
        DatabaseModule.forRoot({
          app: 'gateway',
          entities: GATEWAY_ENTITIES,
          migrations: GATEWAY_MIGRATIONS,
          url: config.DATABASE_URL,
        }),
        TypeOrmModule.forFeature([ActivityEntity, ApiTokenEntity]),
      ],
      controllers: [
        HealthController,
        LoginPageController,
        HomePageController,
        WorkersPageController,
        WorkersApiController,
        ElbPageController,
        PolicyPageController,
        PolicyApiController,
        ScalerApiController,
        ClearPageController,
        ClearApiController,
        ShutdownPageController,
        ShutdownApiController,
        ActivityApiController,
        ApiTokensPageController,
        LiveController,
        GatewayEventsController,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: ManagerCredentials, useValue: credentials },
        { provide: GatewayExit, useValue: options.exit ?? new ProcessGatewayExit() },
        {
          provide: LoginThrottle,
          useValue: new LoginThrottle({
            maxFailures: config.LOGIN_MAX_FAILURES,
            maxFailuresPerAddress: config.LOGIN_MAX_FAILURES_PER_ADDRESS,
            windowMs: config.LOGIN_WINDOW_S * 1000,
            clock: options.clock,
          }),
        },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: GatewayExceptionFilter },
        HealthService,
        { provide: DatabasePing, useClass: TypeormDatabasePing },
        WorkersService,
        FleetViewService,
        PolicyService,
        ClearService,
        ShutdownService,
        ActivityService,
        ApiTokenService,
      ],
    };
  }
}
