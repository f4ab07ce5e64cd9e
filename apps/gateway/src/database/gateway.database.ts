import { ActivityEntity } from '../activity/activity.entity';
import { CreateActivity1732700000000 } from './migrations/1732700000000-create-activity';

/** GATEWAY_ENTITIES are the gateway's tables. */
export const GATEWAY_ENTITIES = [ActivityEntity];

/** GATEWAY_MIGRATIONS are the gateway's migrations, oldest first (no globs). */
export const GATEWAY_MIGRATIONS = [CreateActivity1732700000000];
