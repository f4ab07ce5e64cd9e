import { ActivityEntity } from '../activity/activity.entity';
import { CreateActivity1732700000000 } from './migrations/1732700000000-create-activity';
import { CreateGatewaySessions1767400000000 } from './migrations/1767400000000-create-gateway-sessions';

/** GATEWAY_ENTITIES are the gateway's tables (sessions are plain SQL, see GatewaySessionStore). */
export const GATEWAY_ENTITIES = [ActivityEntity];

/** GATEWAY_MIGRATIONS are the gateway's migrations, oldest first (no globs). */
export const GATEWAY_MIGRATIONS = [CreateActivity1732700000000, CreateGatewaySessions1767400000000];
