import { FleetCommandEntity } from './fleet-command.entity';
import { FleetInstanceEntity } from './fleet-instance.entity';
import { FleetStateEntity } from './fleet-state.entity';
import { CreateFleetTables1732700000000 } from './migrations/1732700000000-create-fleet-tables';

/** FLEET_ENTITIES are the fleet's TypeORM entities. */
export const FLEET_ENTITIES = [FleetStateEntity, FleetInstanceEntity, FleetCommandEntity];
/** FLEET_MIGRATIONS are the fleet's migrations, oldest first (listed, never globbed). */
export const FLEET_MIGRATIONS = [CreateFleetTables1732700000000];
