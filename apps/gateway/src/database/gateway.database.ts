import { ActivityEntity } from '../activity/activity.entity';
import { CreateActivity1732700000000 } from './migrations/1732700000000-create-activity';
import { ApiTokenEntity } from '../tokens/api-token.entity';
import { CreateGatewaySessions1767400000000 } from './migrations/1767400000000-create-gateway-sessions';
import { CreateApiTokens1767500000000 } from './migrations/1767500000000-create-api-tokens';

/** GATEWAY_ENTITIES are the gateway's tables (sessions are plain SQL, see GatewaySessionStore). */
export const GATEWAY_ENTITIES = [ActivityEntity, ApiTokenEntity];

/** GATEWAY_MIGRATIONS are the gateway's migrations, oldest first (no globs). */
export const GATEWAY_MIGRATIONS = [
  CreateActivity1732700000000,
  CreateGatewaySessions1767400000000,
  CreateApiTokens1767500000000,
];
